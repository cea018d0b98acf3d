"""Rasa graph component that puts every message into one Vietnamese spelling first.

Citizens type the same word several ways (composed or decomposed Unicode, ``hoá``/``hóa``,
stray ``???`` or ``***``). Normalising before tokenisation lets the tokenizer, the
featurizers and the classifier see one form. Entity offsets in the training data are
moved with the text so annotations stay on the right words.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from vntext.normalization import move_span, normalize_message
from vntext.personal_data import has_masks, without_masks


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class VietnameseNormalizer(GraphComponent):
    """NFC, one tone-mark placement, single spaces, no stray punctuation."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseNormalizer:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._normalize(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._normalize(message)
        return messages

    @staticmethod
    def _normalize(message: Message) -> None:
        text = message.get(TEXT)
        # "/intent{...}" payloads (buttons) are parsed by Rasa as written.
        if not isinstance(text, str) or not text or text.startswith("/"):
            return
        if has_masks(text):
            # What the channel masked (vntext/personal_data.py) is read as not typed at all;
            # no entity is annotated on a citizen's masked message.
            message.set(TEXT, normalize_message(without_masks(text))[0])
            return
        normalized, spans = normalize_message(text)
        if normalized == text:
            return
        entities = []
        for entity in message.get(ENTITIES) or []:
            moved = move_span(
                text, entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END], spans
            )
            if moved is not None:
                entities.append(
                    {**entity, ENTITY_ATTRIBUTE_START: moved[0], ENTITY_ATTRIBUTE_END: moved[1]}
                )
        message.set(TEXT, normalized)
        if message.get(ENTITIES):
            message.set(ENTITIES, entities)
