"""Function tools of the support desk, over small in-memory tables (deterministic fake data).

Each function is what the spec's `function:` import path names; its parameters match the
strict JSON Schema declared for it in support_desk.yaml. Tools return plain JSON-able dicts.
"""

from __future__ import annotations

from typing import Any, Literal

InvoiceStatus = Literal["open", "paid", "refunded", "void"]

CUSTOMERS: dict[str, dict[str, Any]] = {
    "C-1001": {"name": "Ada Lovelace", "plan": "pro", "email": "ada@example.com"},
    "C-1002": {"name": "Grace Hopper", "plan": "enterprise", "email": "grace@example.com"},
    "C-1003": {"name": "Alan Turing", "plan": "free", "email": "alan@example.com"},
}

INVOICES: dict[str, dict[str, Any]] = {
    "INV-2024-0001": {
        "customer_id": "C-1001",
        "amount_cents": 4900,
        "currency": "EUR",
        "status": "paid",
        "issued": "2024-05-01",
        "days_since_payment": 3,
    },
    "INV-2024-0002": {
        "customer_id": "C-1001",
        "amount_cents": 4900,
        "currency": "EUR",
        "status": "open",
        "issued": "2024-06-01",
        "days_since_payment": None,
    },
    "INV-2024-0003": {
        "customer_id": "C-1002",
        "amount_cents": 129900,
        "currency": "USD",
        "status": "paid",
        "issued": "2024-04-15",
        "days_since_payment": 45,
    },
    "INV-2024-0004": {
        "customer_id": "C-1003",
        "amount_cents": 0,
        "currency": "EUR",
        "status": "void",
        "issued": "2024-05-20",
        "days_since_payment": None,
    },
}

REFUND_WINDOW_DAYS = 30

SERVICE_STATUS: dict[str, dict[str, Any]] = {
    "login": {"status": "operational", "incident": None},
    "sync": {"status": "degraded", "incident": "INC-812: delayed sync for EU workspaces"},
    "billing-portal": {"status": "operational", "incident": None},
    "mobile-app": {"status": "operational", "incident": None},
    "api": {"status": "operational", "incident": None},
}

KNOWLEDGE_BASE: list[dict[str, str]] = [
    {
        "id": "KB-1",
        "title": "Resetting your password",
        "body": "Use 'Forgot password' on the sign-in page; links expire after 30 minutes.",
    },
    {
        "id": "KB-2",
        "title": "Sync is slow or stuck",
        "body": "Sign out and in again; check the status page for sync incidents.",
    },
    {
        "id": "KB-3",
        "title": "Downloading invoices",
        "body": "Invoices are under Settings > Billing > History, as PDF.",
    },
    {
        "id": "KB-4",
        "title": "Two-factor authentication",
        "body": "Enable 2FA under Settings > Security; keep your recovery codes offline.",
    },
]


def lookup_customer(customer_id: str) -> dict[str, Any]:
    """The customer record for an id, or `{"found": false}`."""
    record = CUSTOMERS.get(customer_id)
    if record is None:
        return {"found": False, "customer_id": customer_id}
    return {"found": True, "customer_id": customer_id, **record}


def lookup_invoice(number: str) -> dict[str, Any]:
    """One invoice by its number (e.g. INV-2024-0001), or `{"found": false}`."""
    invoice = INVOICES.get(number.strip().upper())
    if invoice is None:
        return {"found": False, "number": number}
    return {"found": True, "number": number.strip().upper(), **invoice}


def list_invoices(customer_id: str, status: InvoiceStatus | None) -> list[dict[str, Any]]:
    """A customer's invoices, oldest first, optionally only those with one status."""
    return [
        {"number": number, **invoice}
        for number, invoice in sorted(INVOICES.items())
        if invoice["customer_id"] == customer_id and (status is None or invoice["status"] == status)
    ]


def issue_refund(number: str, amount_cents: int, reason: str) -> dict[str, Any]:
    """Refund (part of) a paid invoice inside the refund window; refuses otherwise.

    Marks the invoice refunded in the in-memory table, so a second refund is refused.
    """
    invoice = INVOICES.get(number)
    if invoice is None:
        return {"refunded": False, "error": f"no invoice {number}"}
    if invoice["status"] != "paid":
        return {"refunded": False, "error": f"invoice {number} is {invoice['status']}, not paid"}
    if invoice["days_since_payment"] > REFUND_WINDOW_DAYS:
        return {
            "refunded": False,
            "error": f"invoice {number} was paid more than {REFUND_WINDOW_DAYS} days ago",
        }
    if not 0 < amount_cents <= invoice["amount_cents"]:
        return {
            "refunded": False,
            "error": f"amount must be within 1..{invoice['amount_cents']} cents",
        }
    invoice["status"] = "refunded"
    return {
        "refunded": True,
        "number": number,
        "amount_cents": amount_cents,
        "currency": invoice["currency"],
        "reason": reason,
        "refund_id": f"RF-{number.rsplit('-', 1)[-1]}",
    }


def check_service_status(component: str) -> dict[str, Any]:
    """The current status of one component of the service, with the incident if there is one."""
    status = SERVICE_STATUS.get(component)
    if status is None:
        return {"component": component, "status": "unknown", "incident": None}
    return {"component": component, **status}


def search_kb(query: str, limit: int) -> list[dict[str, str]]:
    """Knowledge-base articles whose title or body shares a word with the query, best first."""
    words = {w for w in query.lower().split() if len(w) > 2}
    scored = []
    for article in KNOWLEDGE_BASE:
        text = f"{article['title']} {article['body']}".lower()
        score = sum(word in text for word in words)
        if score:
            scored.append((-score, article["id"], article))
    return [article for _, _, article in sorted(scored)[: max(limit, 0)]]
