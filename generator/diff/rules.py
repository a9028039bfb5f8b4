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


# Where a rule says "our client tolerates": the generated client accepts unknown enum
# values, unknown union variants and missing or null required fields in responses
# (forward compatible), so these are not breaking for it; other clients may differ.
_TOLERATED = " The generated client tolerates it (forward compatible); other clients may not."

_TABLE: tuple[tuple[str, Severity, Direction, str], ...] = (
    # operations ------------------------------------------------------------------
    ("operation-added", "info", "both", "A new operation, so a new client method."),
    ("operation-removed", "breaking", "both", "An operation was removed without being deprecated first."),
    ("operation-removed-after-deprecation", "warning", "both", "An operation that was deprecated was removed (after its x-sunset date, or with none)."),
    ("operation-removed-before-sunset", "breaking", "both", "A deprecated operation was removed before its x-sunset date."),
    ("operation-deprecated", "warning", "both", "An operation became deprecated."),
    ("operation-undeprecated", "info", "both", "An operation is no longer deprecated."),
    ("operation-id-changed", "info", "both", "The operationId of the same method and path changed (tool names derive from it)."),
    ("operation-streaming-added", "info", "response", "An operation can now answer with a server-sent event stream."),
    ("operation-streaming-removed", "breaking", "response", "An operation no longer answers with a server-sent event stream."),
    # lifecycle: x-sunset and x-stability-level -----------------------------------------
    ("sunset-removed", "breaking", "both", "A deprecated item lost its x-sunset date: clients planned for it."),
    ("sunset-moved-earlier", "breaking", "both", "A deprecated item's x-sunset date moved earlier."),
    ("sunset-changed", "info", "both", "A deprecated item's x-sunset date was set or moved later."),
    ("sunset-invalid", "breaking", "both", "An x-sunset that is not a date (YYYY-MM-DD or RFC 3339): when the item may go can't be known."),
    ("stability-decreased", "breaking", "both", "x-stability-level went down (stable > beta > alpha > draft): a promise was withdrawn."),
    ("stability-increased", "info", "both", "x-stability-level went up."),
    ("stability-changed", "info", "both", "x-stability-level was written where it was not, or left out where it was."),
    ("stability-invalid", "breaking", "both", "An x-stability-level other than draft, alpha, beta or stable: the promise can't be read."),
    # parameters --------------------------------------------------------------------
    ("request-parameter-added", "info", "request", "A new optional parameter."),
    ("request-required-parameter-added", "breaking", "request", "A new required parameter: existing calls lack it."),
    ("request-parameter-removed", "warning", "request", "A parameter was removed without being deprecated first: the server may ignore it or reject it (the client section shows the argument that goes)."),
    ("request-parameter-removed-after-deprecation", "warning", "request", "A deprecated parameter was removed (after its x-sunset date, or with none)."),
    ("request-parameter-removed-before-sunset", "breaking", "request", "A deprecated parameter was removed before its x-sunset date."),
    ("request-parameter-became-required", "breaking", "request", "An optional parameter became required."),
    ("request-parameter-became-optional", "info", "request", "A required parameter became optional."),
    ("request-parameter-serialization-changed", "breaking", "request", "A parameter's style or explode changed how its value is written on the wire."),
    ("request-parameter-serialization-restated", "info", "request", "A parameter's style or explode was written differently, with the same bytes on the wire for its type."),
    ("request-parameter-default-changed", "breaking", "request", "A parameter's default changed: calls that leave it out now ask for something else."),
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
    # response headers ------------------------------------------------------------------
    ("response-header-added", "info", "response", "A response documents a new header."),
    ("response-required-header-removed", "breaking", "response", "A header a response always carried is gone."),
    ("response-header-removed", "warning", "response", "A header a response sometimes carried is no longer documented."),
    ("response-header-became-optional", "breaking", "response", "A header a response always carried may now be absent."),
    ("response-header-became-required", "info", "response", "A response header is now always sent."),
    ("response-header-deprecated", "warning", "response", "A response header became deprecated."),
    # properties --------------------------------------------------------------------
    ("request-property-added", "info", "request", "A new optional request property."),
    ("request-required-property-added", "breaking", "request", "A new required request property: existing calls lack it."),
    ("request-property-removed", "warning", "request", "A request property was removed without being deprecated first: the server may ignore it or reject it (the client section shows the argument or field that goes)."),
    ("request-property-removed-after-deprecation", "warning", "request", "A deprecated request property was removed (after its x-sunset date, or with none)."),
    ("request-property-removed-before-sunset", "breaking", "request", "A deprecated request property was removed before its x-sunset date."),
    ("request-property-became-required", "breaking", "request", "An optional request property became required."),
    ("request-property-became-optional", "info", "request", "A required request property became optional."),
    ("response-property-added", "info", "response", "A new response property."),
    ("response-property-removed", "breaking", "response", "A response property that was always present was removed without being deprecated first."),
    ("response-optional-property-removed", "warning", "response", "A response property that could be absent is gone for good (the client section shows the field that goes)."),
    ("response-property-removed-after-deprecation", "warning", "response", "A deprecated response property was removed (after its x-sunset date, or with none)."),
    ("response-property-removed-before-sunset", "breaking", "response", "A deprecated response property was removed before its x-sunset date."),
    ("response-property-became-optional", "warning", "response", "A response property that was always present may now be absent." + _TOLERATED),
    ("response-property-became-required", "info", "response", "A response property is now always present."),
    ("request-additional-properties-closed", "breaking", "request", "A request object no longer accepts properties it does not list (additionalProperties: false)."),
    ("request-additional-properties-opened", "info", "request", "A request object now accepts properties it does not list."),
    ("response-additional-properties-opened", "info", "response", "A response object may carry properties it does not list." + " The generated client keeps unknown fields."),
    ("response-additional-properties-closed", "info", "response", "A response object carries only the properties it lists."),
    ("property-deprecated", "warning", "both", "A property became deprecated."),
    ("property-undeprecated", "info", "both", "A property is no longer deprecated."),
    ("schema-deprecated", "warning", "both", "A schema (model, enum or union) became deprecated."),
    ("schema-undeprecated", "info", "both", "A schema is no longer deprecated."),
    # types -------------------------------------------------------------------------
    ("request-type-changed", "breaking", "request", "A request value changed type."),
    ("request-type-widened", "info", "request", "A request value accepts more types than before (e.g. integer -> number, X -> X or Y)."),
    ("request-type-narrowed", "breaking", "request", "A request value accepts fewer types than before."),
    ("request-oneof-overlaps", "breaking", "request", "A request value became a oneOf whose variants overlap: values that were valid now match several variants, and oneOf rejects them."),
    ("response-type-changed", "breaking", "response", "A response value changed type."),
    ("response-type-widened", "breaking", "response", "A response value may come back as types it could not before."),
    ("response-type-narrowed", "info", "response", "A response value comes back as fewer types than before."),
    ("request-became-nullable", "info", "request", "A request value now accepts null."),
    ("request-became-not-nullable", "breaking", "request", "A request value no longer accepts null."),
    ("response-became-nullable", "warning", "response", "A response value may now be null." + _TOLERATED),
    ("response-became-not-nullable", "info", "response", "A response value is no longer null."),
    ("format-changed", "warning", "both", "A value's format (date-time, int64, uri...) changed."),
    # enums -------------------------------------------------------------------------
    ("request-enum-value-added", "info", "request", "A request value accepts a new enum value."),
    ("request-enum-value-removed", "breaking", "request", "A request value no longer accepts an enum value."),
    ("request-open-enum-value-removed", "warning", "request", "An open enum no longer lists a value (any string is still accepted)."),
    ("response-enum-value-added", "warning", "response", "A response value may come back as a new enum value." + _TOLERATED),
    ("response-open-enum-value-added", "info", "response", "An open enum in a response lists a new value (clients already accept any string)."),
    ("response-enum-value-removed", "info", "response", "A response value no longer comes back as an enum value."),
    ("request-const-changed", "breaking", "request", "A request value that had to be one constant must now be another."),
    ("response-const-changed", "breaking", "response", "A response value that was always one constant is now another: code that checks for it no longer matches."),
    ("request-enum-opened", "info", "request", "A request value that took listed values only now accepts any value."),
    ("request-enum-closed", "breaking", "request", "A request value that took any value is now limited to listed values."),
    ("response-enum-opened", "warning", "response", "A response value that had listed values only may now be any value." + _TOLERATED),
    ("response-enum-closed", "info", "response", "A response value is now limited to listed values."),
)
# families where a limit set where there was none is a warning, not a break (as oasdiff judges)
SET_WARNS = frozenset({"max", "max-length", "min", "min-items"})
_TABLE += tuple(
    row
    for fam, what, kind in (
        ("max", "number's maximum", "upper"),
        ("max-length", "string's maxLength", "upper"),
        ("max-items", "array's maxItems", "upper"),
        ("max-properties", "object's maxProperties", "upper"),
        ("max-contains", "array's maxContains", "upper"),
        ("min", "number's minimum", "lower"),
        ("min-length", "string's minLength", "lower"),
        ("min-items", "array's minItems", "lower"),
        ("min-properties", "object's minProperties", "lower"),
        ("min-contains", "array's minContains", "lower"),
    )
    for row in (
        (
            ("request-" + fam + "-decreased", "breaking", "request", f"A request {what} was lowered."),
            ("request-" + fam + "-increased", "info", "request", f"A request {what} was raised (or removed)."),
            ("response-" + fam + "-increased", "breaking", "response", f"A response {what} was raised (or removed): values outside the old range may come back."),
            ("response-" + fam + "-decreased", "info", "response", f"A response {what} was lowered (or set)."),
            ("request-" + fam + "-set", "warning", "request", f"A request {what} was set where there was none: check that callers stay within it (the server likely had a limit already)."),
        )
        if kind == "upper"
        else (
            ("request-" + fam + "-increased", "breaking", "request", f"A request {what} was raised."),
            ("request-" + fam + "-decreased", "info", "request", f"A request {what} was lowered (or removed)."),
            ("response-" + fam + "-decreased", "breaking", "response", f"A response {what} was lowered (or removed): values outside the old range may come back."),
            ("response-" + fam + "-increased", "info", "response", f"A response {what} was raised (or set)."),
            ("request-" + fam + "-set", "warning", "request", f"A request {what} was set where there was none: check that callers stay within it (the server likely had a limit already)."),
        )
    )
    if not row[0].endswith("-set") or fam in SET_WARNS
)
_TABLE += (
    # constraints: the rest ---------------------------------------------------------------
    ("request-pattern-added", "breaking", "request", "A request string must now match a pattern."),
    ("request-pattern-changed", "warning", "request", "A request string's pattern changed: some values that matched may no longer."),
    ("request-pattern-removed", "info", "request", "A request string no longer has to match a pattern."),
    ("response-pattern-changed", "info", "response", "A response string's pattern was added, removed or changed."),
    ("request-multiple-of-changed", "breaking", "request", "A request number's multipleOf was set or changed."),
    ("request-multiple-of-removed", "info", "request", "A request number no longer has to be a multiple of anything."),
    ("response-multiple-of-changed", "info", "response", "A response number's multipleOf was added, removed or changed."),
    ("request-unique-items-set", "breaking", "request", "A request array must now hold unique items."),
    ("request-unique-items-unset", "info", "request", "A request array may now hold repeated items."),
    ("response-unique-items-unset", "warning", "response", "A response array may now hold repeated items."),
    ("response-unique-items-set", "info", "response", "A response array now holds unique items."),
    # JSON Schema keywords the IR keeps aside (TypeExpr.extra) --------------------------------
    ("request-constraint-added", "breaking", "request", "A request value gained a constraint (contains, dependentRequired, patternProperties, propertyNames, unevaluated*, not, if/then/else, content*...): values that were valid may be rejected."),
    ("request-constraint-removed", "info", "request", "A request value lost a constraint keyword: it accepts more."),
    ("request-constraint-changed", "breaking", "request", "A request value's constraint keyword changed: values that were valid may be rejected."),
    ("response-constraint-added", "info", "response", "A response value gained a constraint keyword: it comes back narrower."),
    ("response-constraint-removed", "breaking", "response", "A response value lost a constraint keyword: it may come back as values it could not before."),
    ("response-constraint-changed", "breaking", "response", "A response value's constraint keyword changed: it may come back as values it could not before."),
    ("tuple-items-changed", "breaking", "both", "An array's prefixItems (the types of its first items) changed: some items change type."),
    ("unmodeled-change", "info", "both", "A keyword specgen does not model changed; read it yourself (nothing is left unreported)."),
    # defaults ------------------------------------------------------------------------
    ("request-default-changed", "warning", "request", "A request property's default changed: omitting it now means something else."),
    ("response-default-changed", "info", "response", "A response value's documented default changed."),
    # unions --------------------------------------------------------------------------
    ("request-union-variant-added", "info", "request", "A request union accepts a new variant."),
    ("request-union-variant-removed", "breaking", "request", "A request union variant was removed without being deprecated first."),
    ("request-union-variant-removed-after-deprecation", "warning", "request", "A deprecated request union variant was removed."),
    ("response-union-variant-added", "warning", "response", "A response union may come back as a new variant." + _TOLERATED),
    ("response-union-variant-removed", "info", "response", "A response union no longer comes back as a variant."),
    ("union-variant-deprecated", "warning", "both", "A union variant became deprecated."),
    ("union-variant-undeprecated", "info", "both", "A union variant is no longer deprecated."),
    ("union-discriminator-changed", "breaking", "both", "A union is told apart by a different property."),
    ("union-discriminator-added", "info", "both", "A union names the property that tells its variants apart (nothing changes on the wire)."),
    ("union-discriminator-removed", "info", "both", "A union no longer names a discriminator property (variants are told apart by shape)."),
    ("union-variant-tag-changed", "breaking", "both", "A union variant's discriminator value changed."),
    ("union-default-variant-changed", "warning", "both", "A union reads a value whose tag it does not list as another variant (3.2 defaultMapping), or no longer as any."),
    # security ------------------------------------------------------------------------
    ("security-added", "breaking", "request", "An operation that needed no credentials now needs them."),
    ("security-removed", "info", "request", "An operation no longer needs credentials."),
    ("security-requirement-added", "info", "request", "An operation accepts a new way to authenticate."),
    ("security-requirement-removed", "breaking", "request", "An operation no longer accepts a way to authenticate."),
    ("security-scope-added", "info", "request", "An operation's OAuth requirement asks for another scope (a token granted before may lack it)."),
    ("security-scope-removed", "info", "request", "An operation's OAuth requirement asks for fewer scopes."),
    ("security-scheme-added", "info", "both", "A new security scheme is defined."),
    ("security-scheme-removed", "warning", "both", "A security scheme is no longer defined."),
    ("security-scheme-renamed", "info", "both", "A security scheme was renamed: the same credentials go the same way on the wire."),
    ("security-scheme-changed", "breaking", "request", "A security scheme changed how credentials are sent (kind, location or name)."),
    # the API as a whole ---------------------------------------------------------------
    ("server-added", "info", "both", "A new server URL."),
    ("server-removed", "warning", "both", "A server URL was removed: clients configured with it must move."),
    ("tag-changed", "info", "both", "A declared tag's parent, kind or summary changed (3.2): docs sections (and, where a path names no resource, client nesting) follow."),
    ("webhook-added", "info", "both", "The API may call a new webhook."),
    ("webhook-removed", "breaking", "both", "A webhook is gone: receivers stop getting its events."),
    ("webhook-changed", "warning", "both", "A webhook's operation changed beyond its payload (whose changes are judged like an answer's, under webhooks.<name>.payload): read the change."),
    # what it does to the generated client (the client section) ------------------------------
    ("client-symbol-removed", "breaking", "both", "A generated method, argument, model, field, enum or member is gone: code that uses it stops working."),
    ("client-symbol-renamed", "breaking", "both", "A generated symbol has a new name: code that names it must change."),
    ("client-symbol-retyped", "warning", "both", "A generated argument or field has another type: code may stop type-checking."),
    ("client-argument-now-required", "breaking", "both", "A generated method needs an argument it did not: calls without it fail."),
    ("client-symbol-loosened", "info", "both", "A generated argument became optional."),
    ("client-field-now-required", "info", "both", "A generated model field is now always set."),
    ("client-symbol-added", "info", "both", "A new generated method, argument, model, field, enum or member."),
)

RULES: tuple[Rule, ...] = tuple(Rule(*row) for row in _TABLE)
RULE_MAP: dict[str, Rule] = {r.id: r for r in RULES}
assert len(RULE_MAP) == len(RULES), "rule ids must be unique"


def rule(rule_id: str) -> Rule:
    """The rule with this id (KeyError for an unknown id: a bug in the differ)."""
    return RULE_MAP[rule_id]
