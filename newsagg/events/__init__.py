"""TV business events (renewals, cancellations, orders, premiere dates, casting and exits...) extracted
from an item whose shows are linked. Plain Python: no Scrapy, no database."""

from newsagg.events.extract import EventInput, extract_batch, extract_events
from newsagg.events.model import EVENT_TYPES, CatalogueNames, Event, ShowNames

__all__ = ["EVENT_TYPES", "CatalogueNames", "Event", "EventInput", "ShowNames", "extract_batch", "extract_events"]
