"""Scrapy settings for the newswatch crawl: polite, bounded, and observable through stats."""

BOT_NAME = "newswatch"

SPIDER_MODULES = ["spiders.news"]
NEWSPIDER_MODULE = "spiders"

# Identify ourselves; flows.crawl overrides this with the configured user agent.
USER_AGENT = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"
ROBOTSTXT_OBEY = True

# Politeness. AutoThrottle only ever slows down from DOWNLOAD_DELAY, never below it.
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0

# Bounds: a hung or huge response must not stall or swamp the crawl.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5  # RFC 9309 asks robots.txt fetchers to follow at least five
# Sitemaps: at most this many URLs taken from one file (the protocol's own cap), and at most this
# many levels of sitemap index above a urlset (the protocol allows one; some outlets nest by year).
NEWSWATCH_SITEMAP_MAX_URLS = 50_000
NEWSWATCH_SITEMAP_MAX_DEPTH = 3

# Only the web: a file:, data:, ftp: or s3: link that slipped past the spider's and the address
# guard's checks still finds no handler to read it with.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}

# The address guard resolves each name through the reactor's (default, caching) resolver and the
# download reuses that cached answer: the address checked is the one connected to.
DNSCACHE_ENABLED = True

DOWNLOADER_MIDDLEWARES = {
    # First of all, before robots.txt is fetched for a host: no internal addresses (SSRF).
    "spiders.guard.AddressGuardMiddleware": 40,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.robots.RfcRobotsTxtMiddleware": 100,
    # After RetryMiddleware (550) in request order, so it sees a 429/503 before it is retried.
    "spiders.politeness.PolitenessMiddleware": 555,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "spiders.guard.SafeRedirectMiddleware": 600,
}

# Retry-After: wait within the run up to this long (seconds), else leave the host alone for the
# rest of it and report until when. A 429 without Retry-After backs off this long; no host gets
# more than a day (a "Retry-After: 2099" would otherwise retire an outlet for good). A robots.txt
# Crawl-delay above the cap is shortened to it, so one outlet cannot hold a shard for hours.
NEWSWATCH_RETRY_AFTER_MAX_WAIT = 60.0
NEWSWATCH_BACKOFF_DEFAULT = 900.0
NEWSWATCH_BACKOFF_MAX = 86_400.0
NEWSWATCH_CRAWL_DELAY_MAX = 60.0

# Extraction is CPU-bound; handling one item at a time measured ~25% faster per page.
CONCURRENT_ITEMS = 1
# Scrapy's check for a callback generator that returns a value re-reads and parses the
# callback's source for every response (its cache is keyed by the bound method, a new object
# each time): 0.4-0.9 ms of CPU an article (a crawl with cleaning stubbed out: 4.35-4.53 s
# against 3.64-3.94 s for 1,000 articles). The spider is ours: no need.
WARN_ON_GENERATOR_RETURN_VALUE = False

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 opens an HTTP port that runs posted Python code; never wanted in a crawl job.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"

# Writes the crawl stats to NEWSWATCH_STATS_FILE: the parent process judges success from them.
EXTENSIONS = {"spiders.stats.StatsFile": 500}
NEWSWATCH_STATS_FILE = ""

FEED_EXPORT_ENCODING = "utf-8"
