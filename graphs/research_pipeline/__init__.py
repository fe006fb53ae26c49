"""The Python side of graphs/research_pipeline.yaml: a tiny offline corpus, its tools, guardrails.

The corpus is a fixed in-memory list of documents, so searches and fetches are deterministic.
"""
