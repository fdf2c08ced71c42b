"""Text rules every stage shares: folding, sentence splitting and the patterns of furniture
lines, used by cleaning, boilerplate learning, stories, updates and matching."""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

# --- folding -------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Case- and accent-insensitive form: casefold, NFKD, combining marks dropped ("Élysée" and
    "elysee" fold alike). Stored fingerprints and signatures depend on it: change with care."""
    return unicodedata.normalize("NFKD", text.casefold()).translate(_combining_marks())


def name_key(text: str) -> str:
    """Lower-case letters and digits only: how titles, site names and bylines are compared."""
    return _NOT_ALNUM.sub("", text.casefold())


@cache
def _combining_marks() -> dict[int, None]:
    # Built on first use (a scan of every code point, ~0.2 s), then str.translate drops them
    # at C speed: a Python loop over each character cost a millisecond per article.
    return {cp: None for cp in range(sys.maxunicode + 1) if unicodedata.combining(chr(cp))}


_NOT_ALNUM = re.compile(r"[\W_]+")

# --- sentences -----------------------------------------------------------------------------

# A sentence ends at . ! ? … (and closing quotes or brackets) before whitespace.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")
# Pages glue sentences together ("…a difference.Donald Trump said"): an end before a capital.
_GLUED_SENTENCE_END = re.compile(r"(?<=[.!?])\s*(?=[A-Z“‘\"'])")


def sentences(line: str) -> list[str]:
    """The sentences of one paragraph, stripped (what boilerplate learning fingerprints)."""
    return [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]


def glued_sentences(line: str) -> list[str]:
    """The sentences of one paragraph, also where a page glued them without a space."""
    return _GLUED_SENTENCE_END.split(line)


# --- furniture lines -----------------------------------------------------------------------

# An advertising label between paragraphs.
AD_LABEL = re.compile(
    r"^(?:advertisement|skip advertisement|story continues below(?: this)? advertisement|anzeige)$",
    re.IGNORECASE,
)
# A line opening like a copyright notice ("© 2024 …", "Copyright 2024 …", "(c) …").
COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4}))", re.IGNORECASE)
# Lines that differ between copies of one story and say nothing about the story itself:
# credits, bylines, stamps, teasers, calls to action, notices.
CREDIT_LINE = re.compile(
    r"(?:\(?(?:additional )?reporting by\b|(?:writing|editing|compiled) by\b|by [^.]{2,60}$"
    r"|(?:last )?(?:updated|published|first published|posted|modified)\b[^.]{0,80}$"
    r"|(?:read more|related|see also|more from [^:]{1,40}|watch|listen|image|photo|picture)\s*:"
    r"|(?:sign up|subscribe|follow \S+ on|click here|advertisement|story continues below)\b"
    r"|(?:copyright|©|\(c\) ).{0,100}$)",
    re.IGNORECASE,
)
# The same, for phrases that end a credit or notice line rather than start it.
CREDIT_TAIL = re.compile(
    r"\bcontributed (?:to )?(?:this|the) (?:report|story|article)|\ball rights reserved\b",
    re.IGNORECASE,
)
# A reader appeal ("Your support helps us …"), found sentence by sentence.
APPEAL = re.compile(
    r"\b(?:your (?:support|donation|contribution)|support (?:us|our journalism|independent)"
    r"|donate (?:now|today)|subscribe (?:to|now|today)|sign up (?:for|to)|our (?:free )?newsletter"
    r"|independent journalism|join our (?:community|commenting))\b",
    re.IGNORECASE,
)
APPEAL_HINTS = ("your ", "support", "donate", "subscribe", "sign up", "newsletter", "journalism",
                "join our")  # fmt: skip
# Notes about the article's own history: news to update triage, noise to story matching.
HISTORY_NOTE = re.compile(
    r"^(?:(?:correction|clarification|editor'?s note|update)\s*(?:\d+|\([^)]{1,30}\))?\s*:"
    r"|an earlier version of this (?:story|article|report)"
    r"|this (?:story|article|report) (?:has been|was|is being) (?:updated|amended|corrected))",
    re.IGNORECASE,
)
# A correction notice, wherever it stands in the line.
CORRECTION = re.compile(
    r"^(?:corrections?|clarification|editor'?s note)\b"
    r"|an earlier version of this (?:article|story|report|headline)"
    r"|\bthis (?:article|story|report|headline)\b[^.]{0,30}\b(?:corrected|amended)\b",
    re.IGNORECASE,
)
# A wire dateline opening the body: "WASHINGTON (AP) —", "PARIS, Jan 3 (Reuters) -".
DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][\w .]{1,30}){0,2}\s*(?:\([A-Za-z ]{2,20}\))?"
    r"\s*[—–-]{1,2}\s+"
)
# "Updated 14:32 GMT", "Last updated: 3 May 2024", "Published … · Updated …": stamps, not news.
# A date or time right after the word keeps "Published figures show …" a sentence.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
STAMP = re.compile(
    rf"^(?:(?:last\s+)?(?:updated|modified|published|posted|first published)\s*(?::|at|on)?\s*"
    rf"(?:\d|{_MONTH}\b|{_WEEKDAY}\b).{{0,80}}"
    r"|(?:last\s+)?updated:?"
    r"|this (?:article|story|page|report) (?:was|has been) (?:last )?updated\b[^.]{0,60}\.?"
    rf"|(?:{_WEEKDAY},?\s+)?(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}},?)\s+\d{{4}}"
    r"[\d\s:.,apmgtucesd]*"
    r"|[\d\s:./,-]+(?:am|pm|gmt|utc|bst|cet|cest|est|edt)?)$",
    re.IGNORECASE,
)

# --- furniture lines inside the article container (spiders.boilerplate, spiders.refine) ----

# The heading of a box of links to other stories, as a whole line ("Related", "Auch
# interessant:", "NOTAS RELACIONADAS", "À lire aussi"). The link titles after it go with it.
RELATED_HEADING = re.compile(
    r"^(?:(?:more )?related(?: articles| stories| posts| content| news| coverage)?"
    r"|read (?:more|also|next)|also read|see also|more on (?:this|the) (?:topic|story)"
    r"|you (?:may|might) also (?:like|be interested in)|recommended(?: for you| stories)?"
    r"|further reading|more stories|don'?t miss|editor'?s picks"
    r"|auch interessant|(?:das|dies) (?:thema )?könnte (?:dich|sie) auch interessieren"
    r"|weitere (?:themen|artikel|beiträge|nachrichten|meldungen)(?: zum thema| aus [^.:]{1,40})?"
    r"|mehr (?:zum thema|themen|zu diesem thema)(?: auf [^.:]{1,30})?|lesen sie auch|lies auch"
    r"|(?:das )?könnte (?:dich|sie) auch interessieren|schon gelesen"
    r"|empfohlene (?:beiträge|artikel)"
    r"|zum weiterlesen|weiterlesen|ähnliche (?:beiträge|artikel)|verwandte (?:beiträge|artikel)"
    r"|top-?themen(?: bei [^.:]{1,30})?|kommentierte artikel|meistgelesen|meist-?diskutiert"
    r"|(?:notas|noticias|artículos|contenido) relacionad[oa]s?|te puede interesar|lee también"
    r"|mira también|más noticias|más sobre [^.:]{1,40}|(?:auch|mehr|more) (?:auf|on) [\w-]+\.\w{2,}"
    r"|(?:à )?lire aussi|sur le même sujet|articles similaires"
    r"|leia também|veja também|notícias relacionadas|leggi anche|articoli correlati"
    r"|czytaj (?:także|też)|zobacz (?:także|też))"
    r"(?:\s*[:.!?…]*)$",
    re.IGNORECASE,
)
# A teaser between paragraphs: a "see also" label and another story's headline ("PUEDES VER:
# …", "Read more: …", "Lesen Sie auch: …"). A headline ends without a full stop: a line that
# ends with one is a sentence ("Mira: la reacción fue inmediata.").
TEASER_LINE = re.compile(
    r"^(?:read (?:more|also)|also read|related|see also|more on this|puedes ver|mira|mire"
    r"|lee también|lea también|ver también|lesen sie auch|lies auch|mehr dazu|à lire aussi"
    r"|lire aussi|leia também|veja também|leggi anche|czytaj (?:także|też)|zobacz (?:także|też))"
    r"\s*:\s*\S.{0,200}(?<!\.)$",
    re.IGNORECASE,
)
# The page's taxonomy on a line of its own ("Category: Press Releases", "Tags: …", "Temas").
TAXONOMY_LINE = re.compile(
    r"^(?:categor(?:y|ies)|kategorien?|rubrik|tags?|schlagw(?:ö|o)rte?r?|stichw(?:ö|o)rter"
    r"|themen|temas|etiquetas|filed under|posted in)\s*(?::\s*.{1,80})?$",
    re.IGNORECASE,
)
_PLATFORM = (
    r"(?:twitter|x|facebook|instagram|telegram|whatsapp|youtube|linkedin|tiktok|threads"
    r"|mastodon|bluesky|google news)"
)
# An invitation to follow the outlet elsewhere: the verb opens the line and the platform ends
# the same clause ("Follow us on Twitter", "Follow the Ledger on Instagram", "Folgen Sie uns
# auf Facebook", "Síguenos en Telegram"), or the outlet names its own channel ("tenemos canal
# de Telegram", "our WhatsApp channel"). A comma in between is a sentence that goes on ("Follow
# the money, he wrote on Twitter").
SOCIAL_CTA = re.compile(
    r"^[¡¿]?(?:follow|like|join|find|folgen sie|folge|liken sie|síguenos|siguenos|suivez"
    r"|rejoignez|segue|siga)\b[^,.;:!?]{0,50}?\s(?:on|auf|bei|en|sur|no|em|via)\s+"
    rf"(?:the\s+)?{_PLATFORM}\b"
    r"|\b(?:our|nuestro|unser(?:en|em)?|notre|nosso|tenemos)\s+(?:"
    rf"{_PLATFORM}[- ](?:channel|kanal)|(?:canal|channel|kanal|chaîne)\s+(?:(?:de|on|auf|sur)\s+)?"
    rf"{_PLATFORM})\b",
    re.IGNORECASE,
)
# A line that asks the reader to subscribe, sign up, log in or download the outlet's app. Most
# open the line: in a sentence's middle the same words report what someone else asked.
SUBSCRIBE_CTA = re.compile(
    r"^(?:please )?subscribe (?:now|today|to our)|^if you enjoyed (?:reading )?this"
    r"|sign(?:ing)? up (?:for|to) our"
    r"|download (?:the|our) [^.]{0,40}\bapps? (?:for|on) (?:ios|android|iphone)"
    r"|jetzt abonnieren|abonnieren sie|suscríbete"
    r"|zapraszamy (?:też )?do subskrypcji"
    r"|(?:already|are) a (?:subscriber|member)\b[^.]{0,40}\blog ?in"
    r"|submit (?:a|your) letter to the editor"
    # Membership offers: "HAZTE MIEMBRO Y DISFRUTA…", "Become a member", "Cancel anytime."
    r"|^(?:hazte (?:miembro|socio)|become a (?:member|subscriber|supporter)|werden sie mitglied"
    r"|werde mitglied|devenez membre)\b"
    r"|^(?:cancel (?:any ?time|at any time)|cancela cuando quieras|jederzeit kündbar)\W*$"
    # Registration and log-in walls: "Register for free to keep reading", "Regístrate gratis
    # para seguir leyendo", "Sign in", "Sie sind aktuell nicht eingeloggt."
    r"|^(?:regístrate|registrieren sie sich|register|sign in|log ?in|inicia sesión|anmelden)"
    r"(?:\s+(?:now|here|jetzt|hier|gratis|for free|free))?\W*$"
    r"|\b(?:register|sign in|log ?in|subscribe|regístrate|suscríbete|inicia sesión)\b[^.]{0,40}"
    r"(?:\bto (?:continue|keep) reading|\bseguir leyendo)\b"
    r"|\bnicht (?:mehr )?eingeloggt\b",
    re.IGNORECASE,
)
MAX_CTA_CHARS = 250
# A disclosure that the page carries advertising or affiliate links: said of the page itself
# ("This post contains affiliate links"), or as a label opening the line ("*Anzeige.").
DISCLOSURE = re.compile(
    r"\b(?:contains?|includes?|uses?|enthält)\b[^.]{0,20}\baffiliate[- ]?links?\b"
    r"|^\W*affiliate[- ]?links?\b|\baffiliate[- ]?links?\b[^.]{0,80}\b(?:commission|provision)"
    r"|contains references to products|advertisers? (?:do|does) not influence"
    r"|^\*?(?:werbung|anzeige)\s*(?:[.:|,–-]|$)|enthält (?:werbung|affiliate)"
    r"|^in (?:freundlicher )?kooperation mit\b[^.]{0,60}$",
    re.IGNORECASE,
)
MAX_DISCLOSURE_CHARS = 300
# A picture's label or credit on a line of its own ("Titelbild:", "Credit:", "Bild via …").
PHOTO_CREDIT = re.compile(
    r"^(?:photo|foto|fotos|bild|image|picture|credit|credits|crédits? photos?|titelbild"
    r"|beitragsbild|headerbild|bildquelle|image illustrative)(?:\s*(?::|via\b).{0,60})?$",
    re.IGNORECASE,
)
