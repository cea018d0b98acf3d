"""The shipped seed knowledge base, written in the project's own words, and demo dossiers
for status lookups."""

from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent
SEED_PROCEDURES = SEED_DIR / "procedures.yaml"
DEMO_DOSSIERS = SEED_DIR / "dossiers.yaml"
