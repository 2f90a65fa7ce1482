"""The curated knowledge base: what the five seed reviews report, each number with its locator."""

from nassb.kb.query import OUTPUT_COLUMNS, RecordFilter, select, summary_counts, to_plain_records
from nassb.kb.store import KnowledgeBase, default_knowledge_base, load_knowledge_base

__all__ = [
    "OUTPUT_COLUMNS",
    "KnowledgeBase",
    "RecordFilter",
    "default_knowledge_base",
    "load_knowledge_base",
    "select",
    "summary_counts",
    "to_plain_records",
]
