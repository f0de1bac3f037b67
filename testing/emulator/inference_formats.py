"""Request and response bodies of each model family, for InvokeModel and its streaming form.

The emulator does not run models: it answers deterministically, in the body format of the
model's family, with a reply that names the model and the region that served it (so a test
can see where a request went). Formats, from the Bedrock user guide's "Inference request
parameters and response fields for foundation models"
(https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters.html):

* ``anthropic.*``: the Anthropic Messages API (``anthropic_version``, ``max_tokens``,
  ``messages`` → ``{"type": "message", "content": [...], "usage": ...}``; streamed as
  ``message_start`` … ``message_stop`` events).
* ``amazon.nova-*``: ``messages`` → ``{"output": {"message": ...}, "usage": ...}``.
* ``amazon.titan-text-*``: ``inputText`` → ``{"results": [{"outputText": ...}]}``.
* ``amazon.titan-embed-*``: ``inputText`` → ``{"embedding": [...]}``.
* ``cohere.embed-*``: ``texts`` → ``{"embeddings": [[...]]}``.
* ``meta.*``: ``prompt`` → ``{"generation": ...}``; ``mistral.*``: ``prompt`` → ``{"outputs": [...]}``.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Mapping

from .catalogue import FoundationModel
from .exceptions import ValidationException

#: Words per streamed chunk.
STREAM_CHUNK_WORDS = 3


def _malformed(key: str) -> ValidationException:
    return ValidationException(
        f"Malformed input request: #: required key [{key}] not found, please reformat your input and try again."
    )


def _require(body: Mapping[str, Any], *keys: str) -> None:
    for key in keys:
        if key not in body:
            raise _malformed(key)


def count_tokens(text: str) -> int:
    """The emulator's token count: whitespace-separated words (at least 1)."""
    return max(1, len(text.split()))


def message_text(messages: Any) -> str:
    """The text of the last user message of a Messages-API / Converse ``messages`` list."""
    for message in reversed(messages if isinstance(messages, list) else []):
        if isinstance(message, Mapping) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, list):
                return " ".join(
                    str(block.get("text", "")) for block in content if isinstance(block, Mapping) and "text" in block
                )
    return ""


def reply_text(model_id: str, served_region: str, prompt: str) -> str:
    """The deterministic reply: it names the model and the region that served the request."""
    words = prompt.split()
    echo = " ".join(words[:12])
    return f"Emulated reply from {model_id} in {served_region}." + (f" You said: {echo}" if echo else "")


def split_for_stream(text: str) -> list[str]:
    """``text`` cut into chunks of :data:`STREAM_CHUNK_WORDS` words that concatenate back to it."""
    words = text.split(" ")
    return [
        " ".join(words[i : i + STREAM_CHUNK_WORDS]) + (" " if i + STREAM_CHUNK_WORDS < len(words) else "")
        for i in range(0, len(words), STREAM_CHUNK_WORDS)
    ]


def embedding(text: str, dimensions: int) -> list[float]:
    """A deterministic unit-scale vector derived from ``text``."""
    digest = b""
    counter = 0
    while len(digest) < dimensions:
        digest += hashlib.sha256(f"{counter}:{text}".encode()).digest()
        counter += 1
    return [round(byte / 255.0 * 2 - 1, 6) for byte in digest[:dimensions]]


def family(model: FoundationModel) -> str:
    """The body-format family of a foundation model: anthropic, nova, titan-text, titan-embed,
    cohere-embed, meta or mistral."""
    model_id = model.model_id
    for prefix, name in (
        ("anthropic.", "anthropic"),
        ("amazon.nova-", "nova"),
        ("amazon.titan-text-", "titan-text"),
        ("amazon.titan-embed-", "titan-embed"),
        ("cohere.embed-", "cohere-embed"),
        ("meta.", "meta"),
        ("mistral.", "mistral"),
    ):
        if model_id.startswith(prefix):
            return name
    raise ValidationException(f"The emulator has no request format for the model {model_id}.")


def is_embedding(model: FoundationModel) -> bool:
    return "EMBEDDING" in model.output_modalities


# --------------------------------------------------------------------------- InvokeModel


def _anthropic(model_id: str, body: Mapping[str, Any], text: str, prompt: str) -> dict[str, Any]:
    return {
        "id": "msg_bdrk_" + hashlib.sha256(text.encode()).hexdigest()[:24],
        "type": "message",
        "role": "assistant",
        "model": model_id.split(".", 1)[1],
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": count_tokens(prompt), "output_tokens": count_tokens(text)},
    }


def _nova(model_id: str, body: Mapping[str, Any], text: str, prompt: str) -> dict[str, Any]:
    inputs, outputs = count_tokens(prompt), count_tokens(text)
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": inputs, "outputTokens": outputs, "totalTokens": inputs + outputs},
    }


def _titan_text(model_id: str, body: Mapping[str, Any], text: str, prompt: str) -> dict[str, Any]:
    return {
        "inputTextTokenCount": count_tokens(prompt),
        "results": [{"tokenCount": count_tokens(text), "outputText": text, "completionReason": "FINISH"}],
    }


def _titan_embed(model_id: str, body: Mapping[str, Any], text: str, prompt: str) -> dict[str, Any]:
    return {
        "embedding": embedding(prompt, int(body.get("dimensions", 1024))),
        "inputTextTokenCount": count_tokens(prompt),
    }


def _cohere_embed(model_id: str, body: Mapping[str, Any], text: str, prompt: str) -> dict[str, Any]:
    texts = [str(t) for t in body.get("texts", [])]
    return {
        "id": hashlib.sha256(prompt.encode()).hexdigest()[:36],
        "response_type": "embeddings_floats",
        "texts": texts,
        "embeddings": [embedding(t, 1024) for t in texts],
    }


def _meta(model_id: str, body: Mapping[str, Any], text: str, prompt: str) -> dict[str, Any]:
    return {
        "generation": text,
        "prompt_token_count": count_tokens(prompt),
        "generation_token_count": count_tokens(text),
        "stop_reason": "stop",
    }


def _mistral(model_id: str, body: Mapping[str, Any], text: str, prompt: str) -> dict[str, Any]:
    return {"outputs": [{"text": text, "stop_reason": "stop"}]}


#: family → (required request keys, how the prompt is read, the response builder)
_FAMILIES: Mapping[str, tuple[tuple[str, ...], Callable[[Mapping[str, Any]], str], Callable[..., dict[str, Any]]]] = {
    "anthropic": (("anthropic_version", "max_tokens", "messages"), lambda b: message_text(b["messages"]), _anthropic),
    "nova": (("messages",), lambda b: message_text(b["messages"]), _nova),
    "titan-text": (("inputText",), lambda b: str(b["inputText"]), _titan_text),
    "titan-embed": (("inputText",), lambda b: str(b["inputText"]), _titan_embed),
    "cohere-embed": (("texts",), lambda b: " ".join(map(str, b["texts"])), _cohere_embed),
    "meta": (("prompt",), lambda b: str(b["prompt"]), _meta),
    "mistral": (("prompt",), lambda b: str(b["prompt"]), _mistral),
}


def _read(model: FoundationModel, body: Mapping[str, Any]) -> tuple[str, str]:
    """(family, prompt) of a request body, after checking the family's required keys."""
    name = family(model)
    required, prompt_of, _ = _FAMILIES[name]
    _require(body, *required)
    return name, prompt_of(body)


def invoke_response(model: FoundationModel, body: Mapping[str, Any], served_region: str) -> dict[str, Any]:
    """The InvokeModel response body for ``body`` sent to ``model``, served in ``served_region``."""
    name, prompt = _read(model, body)
    text = reply_text(model.model_id, served_region, prompt)
    return _FAMILIES[name][2](model.model_id, body, text, prompt)


def invoke_stream_chunks(model: FoundationModel, body: Mapping[str, Any], served_region: str) -> list[dict[str, Any]]:
    """The JSON chunks InvokeModelWithResponseStream sends (each becomes one ``chunk`` event)."""
    name, prompt = _read(model, body)
    text = reply_text(model.model_id, served_region, prompt)
    pieces = split_for_stream(text)
    inputs, outputs = count_tokens(prompt), count_tokens(text)
    metrics = {"inputTokenCount": inputs, "outputTokenCount": outputs, "invocationLatency": 0, "firstByteLatency": 0}
    if name == "anthropic":
        start = _anthropic(model.model_id, body, text, prompt)
        start.update(content=[], stop_reason=None, usage={"input_tokens": inputs, "output_tokens": 0})
        return [
            {"type": "message_start", "message": start},
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
            *({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}} for p in pieces),
            {"type": "content_block_stop", "index": 0},
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": outputs},
            },
            {"type": "message_stop", "amazon-bedrock-invocationMetrics": metrics},
        ]
    if name == "nova":
        return [
            {"messageStart": {"role": "assistant"}},
            *({"contentBlockDelta": {"delta": {"text": p}, "contentBlockIndex": 0}} for p in pieces),
            {"contentBlockStop": {"contentBlockIndex": 0}},
            {"messageStop": {"stopReason": "end_turn"}},
            {
                "metadata": {"usage": {"inputTokens": inputs, "outputTokens": outputs}},
                "amazon-bedrock-invocationMetrics": metrics,
            },
        ]
    last = len(pieces) - 1
    if name == "titan-text":
        return [
            {
                "outputText": p,
                "index": 0,
                "totalOutputTextTokenCount": outputs if i == last else None,
                "completionReason": "FINISH" if i == last else None,
                "inputTextTokenCount": inputs if i == 0 else None,
                **({"amazon-bedrock-invocationMetrics": metrics} if i == last else {}),
            }
            for i, p in enumerate(pieces)
        ]
    if name == "meta":
        return [
            {
                "generation": p,
                "prompt_token_count": inputs if i == 0 else None,
                "generation_token_count": count_tokens(p),
                "stop_reason": "stop" if i == last else None,
                **({"amazon-bedrock-invocationMetrics": metrics} if i == last else {}),
            }
            for i, p in enumerate(pieces)
        ]
    if name == "mistral":
        return [
            {
                "outputs": [{"text": p, "stop_reason": "stop" if i == last else None}],
                **({"amazon-bedrock-invocationMetrics": metrics} if i == last else {}),
            }
            for i, p in enumerate(pieces)
        ]
    raise ValidationException("The model is unsupported for streaming.")
