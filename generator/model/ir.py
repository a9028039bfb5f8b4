"""The intermediate representation: small frozen dataclasses that every artifact renders from.

Templates see only these, never the raw spec. Everything that needs judgement (names,
discriminators, nullability, deprecations, resource layout) has already been decided here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

# What a type is. `model`, `enum` and `union` refer by name to a definition in Api.
Kind = Literal[
    "string", "integer", "number", "boolean", "null", "any",
    "array", "map", "model", "enum", "union", "literal", "binary",
]


@dataclass(frozen=True)
class Constraints:
    """Validation keywords, kept as the spec states them (None = absent)."""

    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    multiple_of: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False
    min_properties: int | None = None
    max_properties: int | None = None

    def is_empty(self) -> bool:
        return self == _NO_CONSTRAINTS


_NO_CONSTRAINTS = Constraints()


@dataclass(frozen=True)
class TypeExpr:
    """A type: a primitive, a container, a literal, or a reference to a named definition."""

    kind: Kind
    ref: str | None = None  # model / enum / union name
    item: TypeExpr | None = None  # array items, map values
    variants: tuple[TypeExpr, ...] = ()  # inline unions of primitives (`type: [a, b]`)
    values: tuple[Any, ...] = ()  # literal values (single-value enum / const)
    nullable: bool = False
    format: str | None = None
    constraints: Constraints = _NO_CONSTRAINTS
    pointer: str = ""  # where the schema stands, `file#/pointer` for other files
    note: str | None = None  # why a type was degraded to `any`, if it was
    content_media_type: str | None = None  # 3.1 `contentMediaType`: what a binary holds
    # JSON Schema keywords the IR does not model (contains, patternProperties, not, if/then/else,
    # contentMediaType...), (keyword, canonical JSON with $refs inlined), sorted: artifacts ignore
    # them; the diff compares them, so no change to them goes unreported
    extra: tuple[tuple[str, str], ...] = ()
    prefix: tuple[TypeExpr, ...] = ()  # array: the types of the first items (`prefixItems`); `item` types the rest
    # why no value satisfies the schema as written (`allOf` of a string and an integer...); the
    # type is still spelled from `kind` for the client, fixtures leave such values out
    unsatisfiable: str | None = None
    # False where `nullable` (or `type: null`) sits beside an `enum`/`const` that does not list
    # null: the client accepts None, the schema as written does not
    null_ok: bool = True

    def with_nullable(self, nullable: bool = True) -> TypeExpr:
        from dataclasses import replace

        return replace(self, nullable=nullable)


@dataclass(frozen=True)
class Deprecation:
    """A deprecation flag with the replacement parsed from the description, if any."""

    replacement: str | None = None
    message: str = ""
    sunset: str | None = None  # `x-sunset` as written: the date it may be removed from


@dataclass(frozen=True)
class Field:
    """One property of a model."""

    name: str  # on the wire
    py_name: str  # Python-safe, unique within the model
    type: TypeExpr
    required: bool
    description: str = ""
    title: str | None = None
    default: Any = None
    has_default: bool = False
    deprecated: Deprecation | None = None
    read_only: bool = False
    write_only: bool = False
    examples: tuple[Any, ...] = ()
    pointer: str = ""
    stability: str | None = None  # `x-stability-level` as written (draft, alpha, beta, stable)
    # computed by the API vendor's own SDKs, never sent by the server (`x-oaiSupportedSDKs`)
    sdk_computed: bool = False

    def required_in(self, side: str) -> bool:
        """Required on this side of the wire ("request" | "response"): OpenAPI lets a request
        leave out a readOnly property and a response a writeOnly one, even when listed required."""
        return self.required and not (self.read_only if side == "request" else self.write_only)


@dataclass(frozen=True)
class Model:
    """An object schema: named, with fields and optional additional properties."""

    name: str  # Python class name, unique across models/enums/unions
    param_name: str  # TypedDict name for the request side, unique too
    fields: tuple[Field, ...]
    additional: TypeExpr | None = None  # additionalProperties, when the object allows more
    description: str = ""
    title: str | None = None
    deprecated: Deprecation | None = None
    pointer: str = ""
    group: str = "shared"  # module the model is rendered into
    used_in_request: bool = False
    used_in_response: bool = False
    examples: tuple[Any, ...] = ()
    closed: bool = False  # additionalProperties: false
    # `oneOf`/`anyOf` of subschemas that only list `required`: one of these sets must be present
    # (all of them allowed together only for anyOf)
    alternatives: tuple[tuple[str, ...], ...] = ()
    alternatives_exclusive: bool = False
    # object keywords the IR does not model (dependentRequired, patternProperties, minProperties,
    # not...), its allOf parts' included: as `TypeExpr.extra`
    extra: tuple[tuple[str, str], ...] = ()
    # the only property names a value may hold, when `allOf` parts with `additionalProperties:
    # false` each close the object to their own properties (None: no such restriction)
    allowed: tuple[str, ...] | None = None
    unsatisfiable: str | None = None  # why no object satisfies the schema as written

    @cached_property
    def field_map(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}


@dataclass(frozen=True)
class EnumMember:
    py_name: str
    value: Any


@dataclass(frozen=True)
class Enum:
    """A closed or open (any string accepted) set of values."""

    name: str
    members: tuple[EnumMember, ...]
    value_type: Literal["string", "integer", "number", "boolean", "mixed"]
    open: bool = False
    description: str = ""
    deprecated: Deprecation | None = None
    pointer: str = ""
    group: str = "shared"

    @property
    def values(self) -> tuple[Any, ...]:
        return tuple(m.value for m in self.members)


@dataclass(frozen=True)
class Variant:
    """One alternative of a union."""

    name: str  # a readable name: the model name, title, or the tag
    type: TypeExpr
    tag: Any = None  # discriminator value, when the union has a discriminator
    # every value of an explicit `discriminator` that selects this variant as OpenAPI 3.0 reads
    # the spec (its `mapping` keys, else its schema's name); () without an explicit one
    wire_tags: tuple[Any, ...] = ()
    title: str | None = None
    deprecated: Deprecation | None = None
    pointer: str = ""


@dataclass(frozen=True)
class Union:
    """oneOf / anyOf of two or more non-null alternatives; or, with `alias`, a name for one
    type nested too deep inline to be spelled there (its only variant)."""

    name: str
    variants: tuple[Variant, ...]
    discriminator: str | None = None  # property name on the wire
    inferred: bool = False  # True when no `discriminator` was written and we found one
    keyword: Literal["oneOf", "anyOf"] = "oneOf"
    description: str = ""
    deprecated: Deprecation | None = None
    pointer: str = ""
    group: str = "shared"
    # the model a response reads a variant into when its tag is one the spec does not list
    # (a server newer than the spec): `UnknownOutputItem`; set for tagged unions
    unknown_name: str | None = None
    alias: bool = False
    # 3.2 `defaultMapping`: the variant a value reads as when its tag is not one the
    # discriminator lists (or it has none), instead of the Unknown model
    default_variant: str | None = None

    def dispatch(self) -> dict[str, int]:
        """For an explicit `discriminator`: each string value of the tag property and the variant
        (by position) it selects; the variant's own tag first, then the `mapping` keys and schema
        name OpenAPI reads (`{"kind": "Dog"}` selects `Dog` without a mapping). Empty otherwise."""
        if self.discriminator is None or self.inferred:
            return {}
        out: dict[str, int] = {}
        for i, v in enumerate(self.variants):
            for tag in (v.tag, *v.wire_tags):
                if isinstance(tag, str):
                    out.setdefault(tag, i)  # a value two variants claim selects the first
        return out


@dataclass(frozen=True)
class Parameter:
    """A path, query, header or cookie parameter, with how it travels (style and explode
    decided: the spec's, else the defaults of its location)."""

    name: str
    location: Literal["path", "query", "header", "cookie"]
    type: TypeExpr
    required: bool
    description: str = ""
    default: Any = None
    has_default: bool = False
    deprecated: Deprecation | None = None
    style: str = "form"  # matrix | label | form | simple | spaceDelimited | pipeDelimited | deepObject
    explode: bool = True
    allow_reserved: bool = False  # query only: reserved characters sent unencoded
    content_type: str | None = None  # described by `content`: the value is sent as this media type
    examples: tuple[Any, ...] = ()
    pointer: str = ""
    stability: str | None = None  # `x-stability-level` as written


# what a media type carries: how a body is written, or how an answer is read
MediaKind = Literal["json", "form", "multipart", "binary", "text", "sse", "jsonl"]


@dataclass(frozen=True)
class PartEncoding:
    """How one property of a form or multipart body travels: its Encoding Object with the
    spec's defaults decided (content type by the property's type; a style only when the spec
    gives style, explode or allowReserved, which replace the content type)."""

    name: str  # the property, on the wire
    content_type: str
    style: str | None = None
    explode: bool = True
    allow_reserved: bool = False
    headers: tuple[str, ...] = ()  # part headers the spec declares


@dataclass(frozen=True)
class MediaType:
    """One media type of a request body or a response, with its schema."""

    content_type: str
    kind: MediaKind
    type: TypeExpr | None
    parts: tuple[PartEncoding, ...] = ()  # form and multipart: one per property
    pointer: str = ""
    examples: tuple[Any, ...] = ()
    structured: bool = False  # a non-JSON media type whose schema describes a structure (XML...)
    itemwise: bool = False  # OpenAPI 3.2 `itemSchema`: `type` is one item of the stream, not the whole
    # an event stream's items: `data` (the event's data is the item), `event` (the item is the
    # event object, `{"event", "data", "id", "retry"}`, its JSON data decoded), `event-text` (the
    # same, its data kept as text)
    framing: Literal["data", "event", "event-text"] = "data"


@dataclass(frozen=True)
class Body:
    """The request body of an operation. `media` lists every media type it accepts in the
    order the client prefers them (JSON first, then as declared); `content_type`, `type` and
    `encoding` are the first one's."""

    content_type: str
    type: TypeExpr
    required: bool
    encoding: Literal["json", "multipart", "form", "binary", "text"]
    description: str = ""
    content_types: tuple[str, ...] = ()
    pointer: str = ""  # of the schema, for validators
    examples: tuple[Any, ...] = ()
    media: tuple[MediaType, ...] = ()


@dataclass(frozen=True)
class Response:
    """One declared response (status code or `default`, 2XX ranges kept as written).
    `media` lists its media types as declared; `content_type`, `type` and `encoding` are the
    one artifacts describe first (JSON before others)."""

    status: str
    description: str
    content_type: str | None
    type: TypeExpr | None
    encoding: Literal["json", "sse", "binary", "text", "jsonl", "none"]
    content_types: tuple[str, ...] = ()
    pointer: str = ""
    examples: tuple[Any, ...] = ()
    headers: tuple[str, ...] = ()
    media: tuple[MediaType, ...] = ()
    header_params: tuple[Parameter, ...] = ()  # the headers with their schemas (location "header")


@dataclass(frozen=True)
class Outcome:
    """One way a successful call can answer, chosen at run time by the response's
    Content-Type: `json` (a value of `type`), `sse` / `jsonl` (a stream of `type` items),
    `binary` (a BinaryResponse), `text` (a str) or `none`."""

    kind: Literal["json", "sse", "jsonl", "binary", "text", "none"]
    content_types: tuple[str, ...] = ()
    type: TypeExpr | None = None


@dataclass(frozen=True)
class Argument:
    """One argument of the generated client method (a parameter or a flattened body field)."""

    py_name: str
    wire_name: str
    source: Literal["path", "query", "header", "cookie", "body", "body_whole", "media"]  # media: the content_type choice
    type: TypeExpr
    required: bool
    description: str = ""
    deprecated: Deprecation | None = None
    default: Any = None
    has_default: bool = False
    positional: bool = False  # the last path parameter: passed positionally, the rest by keyword


@dataclass(frozen=True)
class SecurityScheme:
    """A security scheme, and the client arguments that carry its credentials.

    `credentials`: bearer / apiKey -> (`api_key`,); basic -> (`username`, `password`); oauth2 and
    openIdConnect -> (`access_token`,) plus (`client_id`, `client_secret`) when the scheme has a
    client-credentials flow (its `token_url`). The first scheme of a kind takes these names, the
    others are prefixed with their own name. `other` (mutual TLS, unsendable names) takes none.
    """

    name: str
    kind: Literal["bearer", "basic", "apiKey", "oauth2", "openIdConnect", "other"]
    location: Literal["header", "query", "cookie"] = "header"
    param_name: str = "Authorization"
    description: str = ""
    credentials: tuple[str, ...] = ()
    token_url: str | None = None
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ErrorShape:
    """Where the API's error bodies keep what a client error exposes (wire keys): `envelope` is
    the member the error object sits in (`{"error": {...}}`), the others are keys inside it."""

    envelope: str | None = None
    message: str | None = None
    code: str | None = None
    param: str | None = None
    type: str | None = None


@dataclass(frozen=True)
class Tag:
    """A declared tag: 3.2's `parent` makes the tags a tree, `kind` says what it is for (`nav`,
    `badge`, `audience`...), `summary` is its short title."""

    name: str
    summary: str = ""
    description: str = ""
    parent: str | None = None  # a declared tag, never an ancestor of itself
    kind: str | None = None
    pointer: str = ""


@dataclass(frozen=True)
class Operation:
    """One HTTP operation, with where it lives in the client."""

    id: str  # operationId (made unique), as in the spec where it had one
    method: str  # lower-case HTTP method
    path: str
    resource: tuple[str, ...]  # client.<a>.<b> attribute chain
    py_name: str  # method name on the resource
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    deprecated: Deprecation | None = None
    parameters: tuple[Parameter, ...] = ()
    body: Body | None = None
    body_model: str | None = None  # when the JSON body is an object model flattened into kwargs
    arguments: tuple[Argument, ...] = ()
    responses: tuple[Response, ...] = ()
    streaming: bool = False  # can answer with server-sent events
    stream_param: str | None = None  # the body field that asks for a stream (`stream`)
    stream_type: TypeExpr | None = None  # one event's payload
    # `event`: the spec names its events (`event: thread.created`) or a 3.2 `itemSchema` describes
    # the event object, so an item is read from `{"event": <name>, "data": <payload>, "id", "retry"}`;
    # `event-text`: the same with the data kept as text; `data`: an item is the event's data
    stream_framing: Literal["data", "event", "event-text"] = "data"
    idempotency_header: str | None = None  # a declared header the client fills once per call
    security: tuple[tuple[str, ...], ...] | None = None  # None: the API's default
    # the same requirements with the scopes each asks for: ((scheme, (scope, ...)), ...) per requirement
    security_scopes: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...] | None = None
    # why no request can carry any alternative of its requirement (two schemes in one header)
    security_unsendable: str | None = None
    stability: str | None = None  # `x-stability-level` as written
    # what the IR does not model (callbacks, operation servers, response links), as
    # (where, canonical JSON) for the diff: a change there is reported, not judged
    extra: tuple[tuple[str, str], ...] = ()
    pagination: Pagination | None = None
    pointer: str = ""
    notes: tuple[str, ...] = ()  # degradations worth telling the user about
    # the query a path key carries (`/responses?beta=true` -> (("beta", "true"),)): part of
    # what identifies the operation, sent with every call; `path` stays the key as written
    fixed_query: tuple[tuple[str, str], ...] = ()
    # how a successful answer is read, the first being the one to fall back on
    outcomes: tuple[Outcome, ...] = ()
    accept: str | None = None  # the Accept header: the media types the success answer may have
    accept_stream: str | None = None  # the Accept header when the call asks for a stream
    # a noun action (`POST /uploads/{id}/parts` -> `uploads.parts.create`): the resource object
    # may also be called as this method (`uploads.parts(...)`)
    shortcut: bool = False

    @property
    def url_path(self) -> str:
        """The path template without the fixed query: what goes before `?` in the request."""
        return self.path.partition("?")[0]

    @property
    def call(self) -> str:
        """How a user calls it: `client.chat.completions.create`."""
        return ".".join(("client",) + self.resource + (self.py_name,))

    @property
    def success(self) -> Response | None:
        """The lowest 2xx response with a body, else the lowest 2xx, else `default` (by status,
        not by the document's order: reordering a spec's keys changes nothing)."""
        ok = sorted((r for r in self.responses if r.status.startswith("2") or r.status.upper() == "2XX"), key=lambda r: r.status.upper())
        for r in ok:
            if r.type is not None and r.encoding == "json":
                return r
        if ok:
            return ok[0]
        return next((r for r in self.responses if r.status == "default"), None)


@dataclass(frozen=True)
class Pagination:
    """How a list answers and how its next page is asked for.

    - `single`: one page of items, nothing to follow;
    - `cursor`: `cursor_param` (`after`) takes `next_cursor_field` of the page (`last_id`), else
      the last item's `id`; stops when `has_more_field` is false or no cursor comes back;
    - `offset`: `cursor_param` (`offset`) advances by the items received;
    - `page`: `cursor_param` (`page`) advances by one;
    - `link`: the `Link` header's `rel="next"` URL;
    - `next_url`: the URL the answer's `next_cursor_field` holds (`next`, `nextLink`).
    """

    style: Literal["single", "cursor", "offset", "page", "link", "next_url"]
    items_field: str | None  # None: the answer is the array itself
    item_type: TypeExpr
    cursor_param: str | None = None
    has_more_field: str | None = None
    next_cursor_field: str | None = None
    limit_param: str | None = None
    total_field: str | None = None


@dataclass(frozen=True)
class DeprecatedItem:
    """An entry of the deprecation index (for `inspect` and docs)."""

    where: str  # JSON pointer in the source document (file#pointer for other files)
    kind: Literal["operation", "parameter", "property", "schema", "variant"]
    name: str
    replacement: str | None


@dataclass(frozen=True)
class Webhook:
    """A request the API sends to its users: a 3.1 `webhooks` entry, or an operation's callback.
    `payload` types its JSON body (None: it sends none, or none in JSON)."""

    name: str  # as the spec names it: `newPet`; a callback: its name (`onData`)
    kind: Literal["webhook", "callback"]
    method: str  # lower-case HTTP method
    py_name: str  # unique snake-case name: docs pages, fixtures, `--send-webhook`
    payload: TypeExpr | None
    content_type: str | None = None
    summary: str = ""
    description: str = ""
    # callbacks: the operation that registers it and the URL expression (`{$request.query.url}/data`)
    operation: str | None = None
    expression: str = ""
    # the value of the API's webhook discriminator (`Api.webhook_discriminator`) selecting it
    tag: Any = None
    # headers the request always carries with one value (`X-Event: pet.created`): they name it
    headers: tuple[tuple[str, str], ...] = ()
    deprecated: Deprecation | None = None
    examples: tuple[Any, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Api:
    """The whole normalized API."""

    title: str
    version: str
    description: str
    openapi: str  # "3.0", "3.1" or "jsonschema"
    servers: tuple[str, ...]
    security_schemes: tuple[SecurityScheme, ...]
    security: tuple[tuple[str, ...], ...]  # default requirement: any of these sets
    operations: tuple[Operation, ...]
    models: tuple[Model, ...]
    enums: tuple[Enum, ...]
    unions: tuple[Union, ...]
    deprecated: tuple[DeprecatedItem, ...] = ()
    error_model: str | None = None  # the schema errors come back as, when the spec says
    error_shape: ErrorShape = field(default_factory=ErrorShape)
    request_id_headers: tuple[str, ...] = ("x-request-id",)  # response headers holding the request id
    env_prefix: str = ""  # `OPENAI`: how environment variables name this API (`OPENAI_API_KEY`)
    spec_name: str = ""
    spec_sha256: str = ""
    degraded: tuple[dict[str, str], ...] = field(default_factory=tuple)
    tags: tuple[Tag, ...] = ()  # declared tags, in document order
    # operations not generated: {method, path, where, reason}
    skipped: tuple[dict[str, str], ...] = field(default_factory=tuple)
    security_scopes: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...] = ()  # `security` with scopes
    # `webhooks` (3.1), not modeled: (name, the path item as canonical JSON), sorted, for the diff
    webhooks: tuple[tuple[str, str], ...] = ()
    # every webhook and callback with its payload type, in order of py_name
    hooks: tuple[Webhook, ...] = ()
    # the payload property whose value tells the webhooks apart (a required single-value
    # `const`/`enum`, distinct per webhook), when there is one
    webhook_discriminator: str | None = None
    webhooks_attr: str = "webhooks"  # `client.webhooks`, unless a resource takes the name

    @cached_property
    def model_map(self) -> dict[str, Model]:
        return {m.name: m for m in self.models}

    @cached_property
    def enum_map(self) -> dict[str, Enum]:
        return {e.name: e for e in self.enums}

    @cached_property
    def union_map(self) -> dict[str, Union]:
        return {u.name: u for u in self.unions}

    def model(self, name: str) -> Model:
        return self.model_map[name]
