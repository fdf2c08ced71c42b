"""Word lists the benchmark's prose generator draws from: people, places, topics, phrasing."""

from __future__ import annotations

FIRST_NAMES = (
    "Amara", "Ben", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hannah", "Idris", "Julia",
    "Kofi", "Laura", "Mateo", "Nadia", "Oliver", "Priya", "Quentin", "Rosa", "Samuel", "Tara",
    "Umar", "Vera", "William", "Ximena", "Yusuf", "Zoe", "Aisha", "Bruno", "Carmen", "Dmitri",
    "Esther", "Felix", "Gita", "Hugo", "Ines", "Jonas", "Keiko", "Liam", "Maya", "Niall",
)  # fmt: skip
LAST_NAMES = (
    "Abbott", "Baptiste", "Castillo", "Dunmore", "Eriksen", "Fairweather", "Gallagher", "Hosseini",
    "Ibarra", "Jankowski", "Kaur", "Lindqvist", "Mbeki", "Novak", "Okafor", "Pemberton", "Quigley",
    "Rahman", "Sandoval", "Thornbury", "Umeh", "Valdez", "Whitlock", "Xu", "Yamada", "Zielinski",
    "Ashworth", "Brennan", "Chaudhry", "Delacroix", "Ellwood", "Fontaine", "Greaves", "Halloran",
    "Iqbal", "Jimenez", "Kowalczyk", "Lennox", "Moreau", "Nakamura",
)  # fmt: skip
TOWNS = (
    "Ashford Vale", "Brackenridge", "Castlemere", "Dunwick", "Eastholm", "Fernley", "Greywater",
    "Harrowgate", "Ironbridge", "Kestrel Bay", "Larkhill", "Millbrook", "Northcombe", "Oakhurst",
    "Pellingford", "Queensferry", "Redmarsh", "Saltcote", "Thornaby", "Upper Wexley", "Westmoor",
    "Yarrowdale", "Glenarden", "Stonehaven Cross",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
PERIODS = ("year", "quarter", "month", "decade", "winter", "summer", "financial year")
ROLES = (
    "a senior adviser", "the chief executive", "a spokesperson", "a researcher", "the director",
    "a former minister", "the head of policy", "an economist", "a local organiser",
    "the deputy mayor", "a union representative", "a professor of public policy",
)  # fmt: skip
SAY = ("said", "told reporters", "argued", "warned", "insisted", "conceded", "added", "explained")
ADJECTIVES = (
    "overdue", "ambitious", "cautious", "controversial", "modest", "sweeping", "fragile",
    "costly", "popular", "untested", "pragmatic", "belated", "bold", "narrow", "welcome",
)  # fmt: skip
MOVES = ("rose", "fell", "climbed", "dropped", "edged up", "slipped", "jumped", "declined")
REACTIONS = (
    "reacted with cautious optimism", "said they had not been consulted",
    "organised a packed public meeting", "launched a petition within hours",
    "welcomed the news but asked for details", "questioned whether the money would arrive",
    "said the change was long overdue", "warned of unintended consequences",
)  # fmt: skip
REASONS = (
    "after months of negotiations", "following a review ordered last spring",
    "despite objections from opposition members", "amid pressure from local businesses",
    "after a consultation that drew thousands of responses", "citing rising costs",
    "in a move that surprised many observers", "two weeks earlier than planned",
    "after an independent report criticised the previous approach",
)  # fmt: skip
CLAIMS = (
    "the plan does too little too late", "the costs have been underestimated",
    "the timetable is unrealistic", "the benefits will take years to appear",
    "the most vulnerable will be left behind", "the figures do not add up",
    "the change will pay for itself", "it strikes the right balance",
    "it reflects what residents asked for", "it is the best option available",
)  # fmt: skip
FUTURES = (
    "publish further details next month", "review the decision in the spring",
    "set up an independent panel", "hold a public hearing", "meet community leaders",
    "report back to parliament", "appeal the ruling", "seek additional funding",
)  # fmt: skip

# Per section: who acts, what they act on, what they do and who is affected.
TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "politics": {
        "actors": ("the government", "the opposition", "the finance minister",
                   "the home secretary", "the city council", "a cross-party committee",
                   "the prime minister", "regional leaders"),
        "things": ("the spending plan", "a new housing bill", "the electoral reform package",
                   "the transport budget", "a proposed tax on second homes",
                   "the public sector pay offer", "the devolution deal"),
        "actions": ("approved", "rejected", "delayed", "unveiled", "defended", "scrapped",
                    "amended", "fast-tracked"),
        "groups": ("voters", "backbench MPs", "council tenants", "first-time buyers",
                   "public sector workers", "pensioners"),
        "orgs": ("the Electoral Commission", "the Treasury", "the Institute for Fiscal Studies",
                 "the Local Government Association", "the National Audit Office"),
    },
    "business": {
        "actors": ("the central bank", "the regulator", "shareholders", "the board",
                   "a consortium of investors", "the chief executive", "the retailer"),
        "things": ("the merger", "interest rates", "the quarterly results", "a takeover bid",
                   "the pension scheme", "plans for a new factory", "the price cap"),
        "actions": ("approved", "blocked", "raised", "cut", "reviewed", "announced", "paused",
                    "backed"),
        "groups": ("savers", "small businesses", "mortgage holders", "suppliers",
                   "factory workers", "exporters"),
        "orgs": ("the Competition Authority", "the Chamber of Commerce", "the Bank",
                 "the Federation of Small Businesses", "the Office for National Statistics"),
    },
    "world": {
        "actors": ("Beijing", "Brazilian officials", "the United Nations", "the African Union",
                   "NATO allies", "the European Commission", "Washington", "Turkish officials"),
        "things": ("the climate summit", "the trade agreement", "the refugee accord",
                   "the grain corridor", "the peace proposal", "the aid convoy",
                   "the border agreement"),
        "actions": ("criticised", "proposed", "welcomed", "rejected", "extended", "suspended",
                    "signed", "condemned"),
        "groups": ("refugees", "aid agencies", "diplomats", "border communities",
                   "civilians", "foreign ministers"),
        "orgs": ("the Red Cross", "the Security Council", "the World Food Programme",
                 "the International Crisis Group", "Amnesty International"),
    },
    "science": {
        "actors": ("researchers", "the space agency", "a team of astronomers",
                   "the university", "climate scientists", "the research council"),
        "things": ("the telescope project", "a new battery design", "the ocean survey",
                   "funding for fusion research", "the gene therapy trial",
                   "a satellite launch"),
        "actions": ("announced", "completed", "delayed", "published", "tested", "funded"),
        "groups": ("students", "patients", "engineers", "farmers", "coastal towns"),
        "orgs": ("the Royal Society", "the Met Office", "the European Space Agency",
                 "the Natural History Museum", "the Wellcome Trust"),
    },
    "sport": {
        "actors": ("the club", "the national team", "the league", "the head coach",
                   "the governing body", "the captain"),
        "things": ("the transfer window", "the new stadium", "the doping inquiry",
                   "the season opener", "the broadcast deal", "the youth academy"),
        "actions": ("confirmed", "postponed", "celebrated", "appealed", "renegotiated",
                    "opened"),
        "groups": ("season-ticket holders", "supporters", "grassroots clubs", "players",
                   "local schools"),
        "orgs": ("the Football Association", "the Olympic committee", "Sport England",
                 "the players' union", "the anti-doping agency"),
    },
    "local": {
        "actors": ("the council", "residents", "the bus operator", "the parish council",
                   "the fire service", "the housing association", "the library trust"),
        "things": ("the bypass", "the bus timetable", "plans for the old mill",
                   "the flood defences", "the school expansion", "parking charges",
                   "the market square redevelopment"),
        "actions": ("approved", "objected to", "consulted on", "reopened", "paused",
                    "redesigned"),
        "groups": ("commuters", "shopkeepers", "parents", "dog walkers", "cyclists",
                   "older residents"),
        "orgs": ("the Environment Agency", "the county council", "the Civic Society",
                 "the Highways Authority", "the local NHS trust"),
    },
    "health": {
        "actors": ("the health service", "hospital managers", "the health secretary",
                   "GPs", "nurses", "the medicines regulator"),
        "things": ("waiting lists", "the vaccine rollout", "the new cancer centre",
                   "mental health funding", "the staffing plan", "the ambulance contract"),
        "actions": ("expanded", "cut", "reviewed", "approved", "criticised", "launched"),
        "groups": ("patients", "carers", "junior doctors", "care home residents",
                   "families"),
        "orgs": ("the King's Fund", "the Royal College of Nursing", "NHS England",
                 "the Care Quality Commission", "the British Medical Association"),
    },
    "culture": {
        "actors": ("the gallery", "the festival organisers", "the theatre company",
                   "the arts council", "the museum", "the orchestra"),
        "things": ("the summer season", "a retrospective exhibition", "the new concert hall",
                   "ticket prices", "the book prize shortlist", "the restoration project"),
        "actions": ("announced", "unveiled", "cancelled", "extended", "defended", "funded"),
        "groups": ("audiences", "young artists", "volunteers", "tourists", "students"),
        "orgs": ("the National Trust", "Arts Council England", "the British Film Institute",
                 "the Museums Association", "the Booker Foundation"),
    },
}

NEWSLETTERS = ("Morning Briefing", "The Evening Edition", "Weekend Reads", "Local Matters")
COMMENTERS = ("harbour_watcher", "J. Morrow", "Annie B", "quietreader", "old_town_tom",
              "M. Achebe", "northern_lass", "pragmatist99", "R. Feld", "cyclist_kate")  # fmt: skip
COMMENT_LINES = (
    "This is exactly what I warned about last year, nobody listened then either.",
    "Great to see proper reporting on this. Keep it up.",
    "Who is actually going to pay for all of this in the end?",
    "I was at the meeting and the mood was very different from what is described here.",
    "Another announcement, another delay. I will believe it when I see it.",
    "Thanks for explaining this so clearly, it finally makes sense.",
    "The figures quoted seem optimistic to me, but we will see.",
    "My family has lived here for forty years and we have never been asked our opinion.",
)  # fmt: skip
