"""The normaliser and the underthesea tokenizer as Rasa graph components (engine env)."""

from __future__ import annotations

import pytest

pytest.importorskip("rasa", reason="Rasa runs in the engine environment (.venv-engine)")

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.normalizer import VietnameseNormalizer
from bot.tokenizer import UndertheseaTokenizer

pytestmark = pytest.mark.engine


@pytest.fixture
def normalizer(tmp_path) -> VietnameseNormalizer:
    return VietnameseNormalizer.create(
        {}, LocalModelStorage(tmp_path), Resource("normalizer"), ExecutionContext({}, "test")
    )


@pytest.fixture
def tokenizer(tmp_path) -> UndertheseaTokenizer:
    config = {**UndertheseaTokenizer.get_default_config()}
    return UndertheseaTokenizer.create(
        config, LocalModelStorage(tmp_path), Resource("tokenizer"), ExecutionContext({}, "test")
    )


def tokens_of(tokenizer: UndertheseaTokenizer, text: str) -> list[str]:
    message = Message(data={TEXT: text})
    tokenizer.process([message])
    return [token.text for token in message.get("text_tokens")]


def test_both_components_are_registered_with_the_default_recipe():
    registered = DefaultV1Recipe._registered_components
    assert "VietnameseNormalizer" in registered
    assert "UndertheseaTokenizer" in registered


def test_normaliser_puts_tone_marks_in_one_place_and_composes_unicode(normalizer):
    decomposed = "ho\u0301a đơn thu\u0309y lợi"  # "hoá" typed with combining marks
    message = Message(data={TEXT: f"Cho em hỏi   {decomposed} ạ???"})
    normalizer.process([message])
    assert message.get(TEXT) == "Cho em hỏi hóa đơn thủy lợi ạ?"


def test_normaliser_drops_decoration_and_invisible_characters(normalizer):
    message = Message(data={TEXT: "*** lệ phí\u200b bao nhiêu ~~~"})
    normalizer.process([message])
    assert message.get(TEXT) == "lệ phí bao nhiêu"


def test_normaliser_leaves_button_payloads_alone(normalizer):
    payload = '/choose_procedure{"procedure_code":  "1.014061"}'
    message = Message(data={TEXT: payload})
    normalizer.process([message])
    assert message.get(TEXT) == payload


def test_normaliser_reads_a_masked_message_as_if_its_personal_data_was_not_typed(normalizer):
    (message,) = normalizer.process(
        [Message(data={TEXT: "sđt [số điện thoại], làm hộ chiếu ở đâu"})]
    )
    assert message.get(TEXT) == ", làm hộ chiếu ở đâu"


def test_normaliser_moves_training_entities_with_the_text(normalizer):
    text = "tôi  ở   phường Kinh Bắc thì nộp hoá đơn ở đâu"
    start = text.index("phường")
    example = Message(
        data={
            TEXT: text,
            INTENT: "ask_where_to_submit",
            ENTITIES: [
                {"start": start, "end": start + 15, "value": "phường Kinh Bắc", "entity": "place"}
            ],
        }
    )
    normalizer.process_training_data(TrainingData([example]))
    entity = example.get(ENTITIES)[0]
    assert example.get(TEXT)[entity["start"] : entity["end"]] == "phường Kinh Bắc"


def test_tokenizer_keeps_vietnamese_words_whole(tokenizer):
    assert tokens_of(tokenizer, "Làm căn cước cần giấy tờ gì?") == [
        "Làm",
        "căn cước",
        "cần",
        "giấy tờ",
        "gì",
    ]


def test_tokens_are_exact_slices_of_the_message(tokenizer):
    text = "đăng ký kết hôn ở đâu, đăng ký khai sinh ở đâu"
    message = Message(data={TEXT: text})
    tokenizer.process([message])
    for token in message.get("text_tokens"):
        assert text[token.start : token.end] == token.text


def test_tokenizer_keeps_the_spelling_underthesea_would_change(tokenizer):
    # underthesea's own normalisation turns "hoá" into "hóa"; the token must stay a slice.
    text = "xin hoá đơn điện tử"
    message = Message(data={TEXT: text})
    tokenizer.process([message])
    assert all(text[t.start : t.end] == t.text for t in message.get("text_tokens"))
    assert "hoá" in "".join(t.text for t in message.get("text_tokens"))


def test_text_without_diacritics_is_split_into_syllables(tokenizer):
    assert tokens_of(tokenizer, "lam can cuoc can giay to gi") == [
        "lam",
        "can",
        "cuoc",
        "can",
        "giay",
        "to",
        "gi",
    ]


def test_receipt_and_legal_codes_stay_single_tokens(tokenizer):
    tokens = tokens_of(tokenizer, "tra cứu hồ sơ 000.00.04.H51-250221-0001 theo 123/2015/NĐ-CP")
    assert "000.00.04.H51-250221-0001" in tokens
    assert "123/2015/NĐ-CP" in tokens


def test_an_emoji_is_a_token_and_punctuation_alone_still_gives_one(tokenizer):
    assert tokens_of(tokenizer, "👍") == ["👍"]
    assert tokens_of(tokenizer, "???") == ["???"]


def test_intent_names_are_not_split(tokenizer):
    message = Message(data={TEXT: "lệ phí bao nhiêu", INTENT: "ask_fee"})
    tokenizer.process_training_data(TrainingData([message]))
    assert [t.text for t in message.get("intent_tokens")] == ["ask_fee"]


def test_default_config_declares_intent_tokenization():
    config = UndertheseaTokenizer.get_default_config()
    assert config["intent_tokenization_flag"] is False
    assert config["intent_split_symbol"] == "_"
