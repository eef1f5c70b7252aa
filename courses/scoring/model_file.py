"""A trained version of the learned layer, as one small JSON document.

It records what it was trained on (a fingerprint of the data, the counts, the held-out
scenarios), when, and how it did on held-out answers, next to the weights themselves.
The shipped version lives in courses/scoring/model/; versions trained here live in the
database (courses.models.ScorerVersion) with the same document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from courses.scoring.ordinal import OrdinalHead

FORMAT = 1
SHIPPED_MODEL = Path(__file__).with_name("model") / "situational.json"


@dataclass
class ScorerModel:
    version: str
    feature_spec: int
    encoder: str
    projection_mean: np.ndarray  # centre of the answer embeddings
    projection: np.ndarray  # (k, 384): principal directions of the answer embeddings
    means: dict[str, np.ndarray]  # per criterion: feature means
    scales: dict[str, np.ndarray]  # per criterion: feature standard deviations
    heads: dict[str, OrdinalHead]
    metadata: dict  # trained_at, fingerprint, training counts, held-out figures, ...

    def project(self, base: np.ndarray, answer_vector: np.ndarray) -> np.ndarray:
        return np.concatenate([base, (answer_vector - self.projection_mean) @ self.projection.T])

    def standardise(self, key: str, x: np.ndarray) -> np.ndarray:
        return (x - self.means[key]) / self.scales[key]

    def as_dict(self) -> dict:
        return {
            "format": FORMAT,
            "version": self.version,
            "feature_spec": self.feature_spec,
            "encoder": self.encoder,
            "metadata": self.metadata,
            "projection_mean": np.round(self.projection_mean, 6).tolist(),
            "projection": np.round(self.projection, 6).tolist(),
            "criteria": {
                key: {
                    "mean": np.round(self.means[key], 6).tolist(),
                    "scale": np.round(self.scales[key], 6).tolist(),
                    "head": head.as_dict(),
                }
                for key, head in self.heads.items()
            },
        }

    @classmethod
    def from_dict(cls, data: dict) -> ScorerModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown scorer model format {data.get('format')!r}")
        criteria = data["criteria"]
        return cls(
            version=str(data["version"]),
            feature_spec=int(data["feature_spec"]),
            encoder=str(data["encoder"]),
            projection_mean=np.asarray(data["projection_mean"], dtype=np.float64),
            projection=np.asarray(data["projection"], dtype=np.float64).reshape(-1, len(data["projection_mean"])),
            means={key: np.asarray(c["mean"], dtype=np.float64) for key, c in criteria.items()},
            scales={key: np.asarray(c["scale"], dtype=np.float64) for key, c in criteria.items()},
            heads={key: OrdinalHead.from_dict(c["head"]) for key, c in criteria.items()},
            metadata=dict(data.get("metadata", {})),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), indent=None, separators=(",", ":")) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> ScorerModel:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
