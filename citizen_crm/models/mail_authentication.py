"""The receiving server's verdict on the sender of a mail (RFC 8601
``Authentication-Results``), read without trusting the mail's own claims.

Which headers count: a mail carries one Authentication-Results header per
server (or per filter) that checked it, newest on top, and anyone can write
one into the mail before sending it. Only the contiguous run of headers at
the top written by our own servers counts: those whose authserv-id is in the
configured list or, when the list is empty, the authserv-id of the topmost
header, which the local MTA adds last. Reading stops at the first header of
another server, since anything below it was there before the mail reached
us. An empty list is only safe when the MTA that delivers to the fetched
mailbox adds the header to every mail; RFC 8601 section 5 asks it to remove
headers that claim its own authserv-id.

What counts as a pass, per mail (``sender_verdict``):
- ``dmarc=pass`` (and, when the result names it, ``header.from`` is the From
  domain);
- any other DMARC result but ``none`` is a failure, whatever DKIM and SPF say:
  DMARC already weighed them against the domain's own policy;
- without a DMARC result (or ``dmarc=none``: the domain publishes no policy),
  ``dkim=pass`` whose signing domain (``header.d``, else the domain of
  ``header.i``) is aligned with the From domain, or ``spf=pass`` whose
  envelope domain (``smtp.mailfrom``) is. Aligned: the same domain, a parent
  of it or a subdomain of it; only the owner of a domain's DNS can make DKIM
  or SPF pass for it. An unaligned pass proves only that the sender owns some
  other domain, not the From address.
Anything else from a trusted header is a failure; no trusted header (or one
saying ``none``: nothing was checked) is no verdict.

Parsing is one pass over each header value, capped at MAX_HEADER_CHARS, and
over at most MAX_HEADERS headers: no regular expression, so a long or
malicious header costs linear time.
"""

MAX_HEADER_CHARS = 8192
MAX_HEADERS = 20
DETAIL_MAX = 120

PASS = "pass"
FAIL = "fail"
NONE = "none"
NO_VERDICT = "no authentication result from a trusted mail server"


def split_header(value):
    """The ``;``-separated parts of an Authentication-Results value, each a
    list of words: comments dropped, quoted strings unquoted, folding and
    other white space as separators."""
    parts, words, word = [], [], []
    depth, quoted, escaped = 0, False, False

    def flush():
        if word:
            words.append("".join(word))
            word.clear()

    for char in value[:MAX_HEADER_CHARS]:
        if escaped:
            if not depth:
                word.append(char)
            escaped = False
        elif char == "\\" and (quoted or depth):
            escaped = True
        elif quoted:
            if char == '"':
                quoted = False
            else:
                word.append(char)
        elif depth:
            # RFC 5322 comments nest
            depth += {"(": 1, ")": -1}.get(char, 0)
        elif char == "(":
            flush()
            depth = 1
        elif char == '"':
            quoted = True
        elif char == ";":
            flush()
            parts.append(words)
            words = []
        elif char.isspace():
            flush()
        else:
            word.append(char)
    flush()
    parts.append(words)
    return parts


def _tokens(words):
    """Words joined around ``=``: ``dkim = pass`` is one token."""
    tokens = []
    for word in words:
        if tokens and (word.startswith("=") or tokens[-1].endswith("=")):
            tokens[-1] += word
        else:
            tokens.append(word)
    return tokens


def parse_header(value):
    """(authserv-id, [(method, result, {property: value})]) of one header
    value; the authserv-id is lowercased, '' when missing."""
    parts = split_header(value)
    authserv_id = parts[0][0].lower() if parts[0] else ""
    results = []
    for words in parts[1:]:
        tokens = _tokens(words)
        if not tokens or "=" not in tokens[0]:
            continue  # "none" or garbage
        method, _sep, result = tokens[0].partition("=")
        properties = {}
        for token in tokens[1:]:
            key, sep, prop_value = token.partition("=")
            if sep and "." in key:
                properties.setdefault(key.lower(), prop_value)
        results.append((method.split("/", 1)[0].lower(), result.lower(), properties))
    return authserv_id, results


def trusted_results(values, trusted_ids=()):
    """The results of the headers our own servers wrote (see the module
    docstring), or None when there is no such header. ``values`` are the raw
    header values, topmost first."""
    trusted = {server.lower() for server in trusted_ids if server}
    results = None
    for value in values[:MAX_HEADERS]:
        authserv_id, header_results = parse_header(value)
        if not trusted and authserv_id:
            trusted = {authserv_id}
        if not authserv_id or authserv_id not in trusted:
            break
        results = results or []
        results.extend(header_results)
    return results


def _domain(value):
    domain = (value or "").strip().lower().rstrip(".")
    return domain.rpartition("@")[2]


def aligned(domain, from_domain):
    """Whether ``domain`` is the From domain, a parent or a subdomain of it."""
    domain = _domain(domain)
    if not domain or not from_domain:
        return False
    return (
        domain == from_domain
        or from_domain.endswith(f".{domain}")
        or domain.endswith(f".{from_domain}")
    )


def sender_verdict(values, from_domain, trusted_ids=()):
    """(PASS, FAIL or NONE, a short detail) for a mail whose From domain is
    ``from_domain``, from its Authentication-Results header values (topmost
    first)."""
    from_domain = _domain(from_domain)
    results = trusted_results(values, trusted_ids)
    if not results:
        return NONE, NO_VERDICT
    dmarc = next((r for r in results if r[0] == "dmarc"), None)
    if dmarc and dmarc[1] != NONE:
        header_from = _domain(dmarc[2].get("header.from")) or from_domain
        if dmarc[1] == PASS and header_from == from_domain:
            return PASS, "dmarc=pass"
        return FAIL, f"dmarc={dmarc[1]}"[:DETAIL_MAX]
    for method, result, properties in results:
        if method == "dkim" and result == PASS:
            signer = properties.get("header.d") or properties.get("header.i")
            if aligned(signer, from_domain):
                return PASS, "dkim=pass"
        if method == "spf" and result == PASS:
            if aligned(properties.get("smtp.mailfrom"), from_domain):
                return PASS, "spf=pass"
    summary = ", ".join(f"{method}={result}" for method, result, _p in results[:6])
    return FAIL, f"no aligned pass ({summary or 'no result'})"[:DETAIL_MAX]
