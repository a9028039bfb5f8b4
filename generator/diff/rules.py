"""The rules of `specgen diff`, as data: one row per kind of change.

Each rule has an id, a severity (breaking / warning / info), the direction it applies to
(request / response / both) and a one-line description. Severity is judged from a client's
point of view: narrowing what a request may send, or widening what a response may return,
breaks or warns; the reverse is info. `specgen diff --rules` prints this table.

Where one fact has different consequences on the two sides of the wire (a maximum that
goes down, a property that goes away), there is one rule per direction, so every rule has
exactly one severity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["breaking", "warning", "info"]
Direction = Literal["request", "response", "both"]

SEVERITIES: tuple[Severity, ...] = ("breaking", "warning", "info")
RANK: dict[str, int] = {"breaking": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    direction: Direction
    description: str


_TABLE: tuple[tuple[str, Severity, Direction, str], ...] = (
    # operations ------------------------------------------------------------------
    ("operation-added", "info", "both", "A new operation, so a new client method."),
    ("operation-removed", "breaking", "both", "An operation was removed without being deprecated first."),
    ("operation-removed-after-deprecation", "warning", "both", "An operation that was deprecated was removed."),
    ("operation-deprecated", "warning", "both", "An operation became deprecated."),
    ("operation-undeprecated", "info", "both", "An operation is no longer deprecated."),
    ("operation-id-changed", "info", "both", "The operationId of the same method and path changed (tool names derive from it)."),
    ("operation-streaming-added", "info", "response", "An operation can now answer with a server-sent event stream."),
    ("operation-streaming-removed", "breaking", "response", "An operation no longer answers with a server-sent event stream."),
    # parameters --------------------------------------------------------------------
    ("request-parameter-added", "info", "request", "A new optional parameter."),
    ("request-required-parameter-added", "breaking", "request", "A new required parameter: existing calls lack it."),
    ("request-parameter-removed", "breaking", "request", "A parameter was removed without being deprecated first."),
    ("request-parameter-removed-after-deprecation", "warning", "request", "A deprecated parameter was removed."),
    ("request-parameter-became-required", "breaking", "request", "An optional parameter became required."),
    ("request-parameter-became-optional", "info", "request", "A required parameter became optional."),
    ("parameter-deprecated", "warning", "request", "A parameter became deprecated."),
    ("parameter-undeprecated", "info", "request", "A parameter is no longer deprecated."),
    # request body ------------------------------------------------------------------
    ("request-body-added", "info", "request", "An operation accepts an optional request body it did not have."),
    ("request-required-body-added", "breaking", "request", "An operation requires a request body it did not have."),
    ("request-body-removed", "breaking", "request", "An operation no longer accepts a request body."),
    ("request-body-became-required", "breaking", "request", "The request body became required."),
    ("request-body-became-optional", "info", "request", "The request body became optional."),
    ("request-content-type-added", "info", "request", "The request body accepts a new media type."),
    ("request-content-type-removed", "breaking", "request", "The request body no longer accepts a media type."),
    # responses ---------------------------------------------------------------------
    ("response-success-status-added", "warning", "response", "A new success status the client may receive."),
    ("response-success-status-removed", "breaking", "response", "A success status was removed."),
    ("response-error-status-added", "info", "response", "A new documented error status."),
    ("response-error-status-removed", "info", "response", "An error status is no longer documented."),
    ("response-body-added", "info", "response", "A response now has a body."),
    ("response-body-removed", "breaking", "response", "A response no longer has a body."),
    ("response-content-type-added", "info", "response", "A response can be asked for in a new media type (content negotiation)."),
    ("response-content-type-removed", "breaking", "response", "A response media type is gone: clients asking for it no longer get it."),
    # properties --------------------------------------------------------------------
    ("request-property-added", "info", "request", "A new optional request property."),
    ("request-required-property-added", "breaking", "request", "A new required request property: existing calls lack it."),
    ("request-property-removed", "breaking", "request", "A request property was removed without being deprecated first."),
    ("request-property-removed-after-deprecation", "warning", "request", "A deprecated request property was removed."),
    ("request-property-became-required", "breaking", "request", "An optional request property became required."),
    ("request-property-became-optional", "info", "request", "A required request property became optional."),
    ("response-property-added", "info", "response", "A new response property."),
    ("response-property-removed", "breaking", "response", "A response property was removed without being deprecated first."),
    ("response-property-removed-after-deprecation", "warning", "response", "A deprecated response property was removed."),
    ("response-property-became-optional", "breaking", "response", "A response property that was always present may now be absent."),
    ("response-property-became-required", "info", "response", "A response property is now always present."),
    ("property-deprecated", "warning", "both", "A property became deprecated."),
    ("property-undeprecated", "info", "both", "A property is no longer deprecated."),
    ("schema-deprecated", "warning", "both", "A schema (model, enum or union) became deprecated."),
    ("schema-undeprecated", "info", "both", "A schema is no longer deprecated."),
    # types -------------------------------------------------------------------------
    ("request-type-changed", "breaking", "request", "A request value changed type."),
    ("request-type-widened", "info", "request", "A request value accepts more types than before (e.g. integer -> number, X -> X or Y)."),
    ("request-type-narrowed", "breaking", "request", "A request value accepts fewer types than before."),
    ("response-type-changed", "breaking", "response", "A response value changed type."),
    ("response-type-widened", "breaking", "response", "A response value may come back as types it could not before."),
    ("response-type-narrowed", "info", "response", "A response value comes back as fewer types than before."),
    ("request-became-nullable", "info", "request", "A request value now accepts null."),
    ("request-became-not-nullable", "breaking", "request", "A request value no longer accepts null."),
    ("response-became-nullable", "breaking", "response", "A response value may now be null."),
    ("response-became-not-nullable", "info", "response", "A response value is no longer null."),
    ("format-changed", "warning", "both", "A value's format (date-time, int64, uri...) changed."),
    # enums -------------------------------------------------------------------------
    ("request-enum-value-added", "info", "request", "A request value accepts a new enum value."),
    ("request-enum-value-removed", "breaking", "request", "A request value no longer accepts an enum value."),
    ("request-open-enum-value-removed", "warning", "request", "An open enum no longer lists a value (any string is still accepted)."),
    ("response-enum-value-added", "warning", "response", "A response value may come back as a new enum value."),
    ("response-open-enum-value-added", "info", "response", "An open enum in a response lists a new value (clients already accept any string)."),
    ("response-enum-value-removed", "info", "response", "A response value no longer comes back as an enum value."),
    ("request-enum-opened", "info", "request", "A request value that took listed values only now accepts any value."),
    ("request-enum-closed", "breaking", "request", "A request value that took any value is now limited to listed values."),
    ("response-enum-opened", "warning", "response", "A response value that had listed values only may now be any value."),
    ("response-enum-closed", "info", "response", "A response value is now limited to listed values."),
    # constraints: upper bounds ---------------------------------------------------------
    ("request-max-decreased", "breaking", "request", "A request number's maximum was lowered (or set)."),
    ("request-max-increased", "info", "request", "A request number's maximum was raised (or removed)."),
    ("response-max-increased", "warning", "response", "A response number's maximum was raised (or removed)."),
    ("response-max-decreased", "info", "response", "A response number's maximum was lowered (or set)."),
    ("request-max-length-decreased", "breaking", "request", "A request string's maxLength was lowered (or set)."),
    ("request-max-length-increased", "info", "request", "A request string's maxLength was raised (or removed)."),
    ("response-max-length-increased", "warning", "response", "A response string's maxLength was raised (or removed)."),
    ("response-max-length-decreased", "info", "response", "A response string's maxLength was lowered (or set)."),
    ("request-max-items-decreased", "breaking", "request", "A request array's maxItems was lowered (or set)."),
    ("request-max-items-increased", "info", "request", "A request array's maxItems was raised (or removed)."),
    ("response-max-items-increased", "warning", "response", "A response array's maxItems was raised (or removed)."),
    ("response-max-items-decreased", "info", "response", "A response array's maxItems was lowered (or set)."),
    ("request-max-properties-decreased", "breaking", "request", "A request object's maxProperties was lowered (or set)."),
    ("request-max-properties-increased", "info", "request", "A request object's maxProperties was raised (or removed)."),
    ("response-max-properties-increased", "warning", "response", "A response object's maxProperties was raised (or removed)."),
    ("response-max-properties-decreased", "info", "response", "A response object's maxProperties was lowered (or set)."),
    # constraints: lower bounds ---------------------------------------------------------
    ("request-min-increased", "breaking", "request", "A request number's minimum was raised (or set)."),
    ("request-min-decreased", "info", "request", "A request number's minimum was lowered (or removed)."),
    ("response-min-decreased", "warning", "response", "A response number's minimum was lowered (or removed)."),
    ("response-min-increased", "info", "response", "A response number's minimum was raised (or set)."),
    ("request-min-length-increased", "breaking", "request", "A request string's minLength was raised (or set)."),
    ("request-min-length-decreased", "info", "request", "A request string's minLength was lowered (or removed)."),
    ("response-min-length-decreased", "warning", "response", "A response string's minLength was lowered (or removed)."),
    ("response-min-length-increased", "info", "response", "A response string's minLength was raised (or set)."),
    ("request-min-items-increased", "breaking", "request", "A request array's minItems was raised (or set)."),
    ("request-min-items-decreased", "info", "request", "A request array's minItems was lowered (or removed)."),
    ("response-min-items-decreased", "warning", "response", "A response array's minItems was lowered (or removed)."),
    ("response-min-items-increased", "info", "response", "A response array's minItems was raised (or set)."),
    ("request-min-properties-increased", "breaking", "request", "A request object's minProperties was raised (or set)."),
    ("request-min-properties-decreased", "info", "request", "A request object's minProperties was lowered (or removed)."),
    ("response-min-properties-decreased", "warning", "response", "A response object's minProperties was lowered (or removed)."),
    ("response-min-properties-increased", "info", "response", "A response object's minProperties was raised (or set)."),
    # constraints: the rest ---------------------------------------------------------------
    ("pattern-changed", "warning", "both", "A string's pattern was added, removed or changed."),
    ("multiple-of-changed", "warning", "both", "A number's multipleOf was added, removed or changed."),
    ("unique-items-changed", "warning", "both", "An array's uniqueItems was turned on or off."),
    # defaults ------------------------------------------------------------------------
    ("request-default-changed", "warning", "request", "A request value's default changed: omitting it now means something else."),
    ("response-default-changed", "info", "response", "A response value's documented default changed."),
    # unions --------------------------------------------------------------------------
    ("request-union-variant-added", "info", "request", "A request union accepts a new variant."),
    ("request-union-variant-removed", "breaking", "request", "A request union variant was removed without being deprecated first."),
    ("request-union-variant-removed-after-deprecation", "warning", "request", "A deprecated request union variant was removed."),
    ("response-union-variant-added", "warning", "response", "A response union may come back as a new variant."),
    ("response-union-variant-removed", "info", "response", "A response union no longer comes back as a variant."),
    ("union-variant-deprecated", "warning", "both", "A union variant became deprecated."),
    ("union-variant-undeprecated", "info", "both", "A union variant is no longer deprecated."),
    ("union-discriminator-changed", "breaking", "both", "A union is told apart by a different property."),
    ("union-variant-tag-changed", "breaking", "both", "A union variant's discriminator value changed."),
    # security ------------------------------------------------------------------------
    ("security-added", "breaking", "request", "An operation that needed no credentials now needs them."),
    ("security-removed", "info", "request", "An operation no longer needs credentials."),
    ("security-requirement-added", "info", "request", "An operation accepts a new way to authenticate."),
    ("security-requirement-removed", "breaking", "request", "An operation no longer accepts a way to authenticate."),
    ("security-scheme-added", "info", "both", "A new security scheme is defined."),
    ("security-scheme-removed", "warning", "both", "A security scheme is no longer defined."),
    ("security-scheme-changed", "breaking", "request", "A security scheme changed how credentials are sent (kind, location or name)."),
    # the API as a whole ---------------------------------------------------------------
    ("server-added", "info", "both", "A new server URL."),
    ("server-removed", "warning", "both", "A server URL was removed: clients configured with it must move."),
)

RULES: tuple[Rule, ...] = tuple(Rule(*row) for row in _TABLE)
RULE_MAP: dict[str, Rule] = {r.id: r for r in RULES}
assert len(RULE_MAP) == len(RULES), "rule ids must be unique"


def rule(rule_id: str) -> Rule:
    """The rule with this id (KeyError for an unknown id: a bug in the differ)."""
    return RULE_MAP[rule_id]
