"""Function tools of the research pipeline, over the in-memory corpus (see corpus.py)."""

from __future__ import annotations

from typing import Any

from .corpus import BY_ID, DOCUMENTS


def search_corpus(query: str, max_results: int, since_year: int | None) -> list[dict[str, Any]]:
    """Documents ranked by how many query words their title and text contain (ties by id)."""
    words = {w.strip(".,").lower() for w in query.split() if len(w) > 2}
    ranked = []
    for doc in DOCUMENTS:
        if since_year is not None and doc["year"] < since_year:
            continue
        haystack = f"{doc['title']} {doc['text']}".lower()
        score = sum(word in haystack for word in words)
        if score:
            ranked.append((-score, doc["id"]))
    return [
        {
            "id": doc_id,
            "title": BY_ID[doc_id]["title"],
            "url": BY_ID[doc_id]["url"],
            "year": BY_ID[doc_id]["year"],
            "score": -score,
        }
        for score, doc_id in sorted(ranked)[: max(max_results, 0)]
    ]


def fetch_document(document_id: str) -> dict[str, Any]:
    """The full text of one document, or `{"found": false}`."""
    doc = BY_ID.get(document_id)
    if doc is None:
        return {"found": False, "id": document_id}
    return {"found": True, **doc}


def submit_summary(
    document_ids: list[str], key_points: list[str], confidence: str
) -> dict[str, Any]:
    """The summariser's answer. The spec stops the summariser's run at this tool, so what this
    returns is the summariser's final output, handed back to the planner as the tool result."""
    unknown = sorted(set(document_ids) - set(BY_ID))
    return {
        "document_ids": sorted(set(document_ids) & set(BY_ID)),
        "unknown_ids": unknown,
        "key_points": key_points,
        "confidence": confidence,
    }
