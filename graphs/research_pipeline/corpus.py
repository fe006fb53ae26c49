"""A fixed, in-memory corpus of documents the searcher can find and the summariser can read."""

from __future__ import annotations

from typing import TypedDict


class Document(TypedDict):
    id: str
    title: str
    url: str
    year: int
    text: str


DOCUMENTS: tuple[Document, ...] = (
    {
        "id": "doc-heat-pumps-2023",
        "title": "Heat pumps in cold climates: a field study",
        "url": "https://example.org/papers/heat-pumps-cold",
        "year": 2023,
        "text": "Across 14 Nordic homes, air-source heat pumps kept a seasonal coefficient of "
        "performance above 2.5 down to -20 C. Defrost cycles cost 6 to 9 percent of energy.",
    },
    {
        "id": "doc-heat-pumps-costs",
        "title": "Installation costs of residential heat pumps",
        "url": "https://example.org/reports/hp-costs",
        "year": 2024,
        "text": "Median installed cost was 11,800 EUR for air-source and 21,500 EUR for "
        "ground-source systems. Subsidies covered 25 to 40 percent in the countries surveyed.",
    },
    {
        "id": "doc-grid-flex",
        "title": "Heat pumps as flexible load on the grid",
        "url": "https://example.org/papers/grid-flex",
        "year": 2022,
        "text": "Pre-heating buildings by two hours shifted 30 percent of evening peak demand "
        "without comfort complaints, using the thermal mass of the building as storage.",
    },
    {
        "id": "doc-refrigerants",
        "title": "Low-GWP refrigerants for heat pumps",
        "url": "https://example.org/reviews/refrigerants",
        "year": 2024,
        "text": "Propane (R290) units now match R32 efficiency; the charge limits of safety "
        "standards restrict indoor units more than outdoor monoblocs.",
    },
    {
        "id": "doc-batteries",
        "title": "Home batteries and rooftop solar",
        "url": "https://example.org/papers/home-batteries",
        "year": 2023,
        "text": "A 10 kWh battery raised solar self-consumption from 35 to 70 percent in the "
        "median household studied.",
    },
)

BY_ID: dict[str, Document] = {doc["id"]: doc for doc in DOCUMENTS}
