"""Scrapy settings for newsagg. `newsagg crawl` and scheduler.py load these, then add
the run's own values (sources, database URL, trigger) on top."""

from newsagg import __version__
from newsagg.settings import value as setting_value

BOT_NAME = "newsagg"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# A descriptive User-Agent with a contact: set yours with NEWSAGG_USER_AGENT
# (e.g. "newsagg/0.1 (+https://example.org/bot; ops@example.org)").
USER_AGENT = setting_value("NEWSAGG_USER_AGENT") or (
    f"newsagg/{__version__} (+https://github.com/newsagg/newsagg; news aggregation bot)")
ROBOTSTXT_OBEY = True

# Politeness: AutoThrottle adapts to each server; per-domain concurrency stays low.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024       # refuse anything larger (no feed or article needs it)
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
CLOSESPIDER_TIMEOUT = 3600                 # a hung crawl ends
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False            # Scrapy 2.19 would open an HTTP control port per crawl
REDIRECT_MAX_TIMES = 5

# Only the web: a sitemap or a redirect naming file:, ftp:, s3: or data: is never fetched.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}
DOWNLOADER_MIDDLEWARES = {
    "crawler.conditional.ConditionalGet": 40,   # not due / unchanged: dropped before anything else
    "crawler.middlewares.PrivateHostGuard": 50,  # every request, robots.txt and redirect hops included
    "crawler.middlewares.CrawlDeadline": 60,     # no download outlives the crawl's time limit
}
ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.store.StorePipeline": 900,
}
EXTENSIONS = {
    "crawler.extensions.RunRecorder": 500,
    "crawler.extensions.ProgressDisplay": 510,
}

# newsagg's own settings (set per run by newsagg.crawl):
NEWSAGG_SOURCES = []                 # list[newsagg.sources.Source]
NEWSAGG_DATABASE_URL = None          # SQLAlchemy URL; None = $NEWSAGG_DATABASE_URL or ./newsagg.db
NEWSAGG_TRIGGER = "manual"           # manual | schedule | demo | worker
NEWSAGG_STORE_BATCH = 500            # articles per write transaction
NEWSAGG_STORE_MAX_WAIT = 2.0         # seconds before a partial batch is written anyway
NEWSAGG_LINK_SHOWS = True            # link new and changed articles to the show catalogue
NEWSAGG_DEDUPE = True                # mark syndicated copies, group stories
NEWSAGG_EVENTS = True                # extract TV events from linked articles
NEWSAGG_PROGRESS = False             # live per-source progress (newsagg crawl turns it on for terminals)

LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.logformatter.KeyLogFormatter"  # items named by key, never by repr
FEED_EXPORT_ENCODING = "utf-8"
