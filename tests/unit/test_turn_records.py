"""What became of a citizen's question, read from an action call and its result."""

from __future__ import annotations

from typing import Any

from actions.turns import describe_turn

NOW = 1_765_100_000.0
SENDER = "portal:Zq3v8rT0aPcX2mLk9wYbN4sD"


def call(
    action: str, text: str, intent: str, slots: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "next_action": action,
        "tracker": {
            "sender_id": SENDER,
            "latest_input_channel": "portal",
            "slots": slots or {},
            "latest_message": {"text": text, "intent": {"name": intent}},
            "events": [
                {"event": "action", "name": "action_listen", "timestamp": NOW - 1},
                {"event": "user", "text": text, "timestamp": NOW - 0.25},
            ],
        },
    }


def answered(code: str, facet: str) -> dict[str, Any]:
    return {
        "events": [],
        "responses": [
            {"text": "Lệ phí: 200.000 đồng", "buttons": []},
            {"custom": {"answer": {"procedure_code": code, "facet": facet}}},
        ],
    }


def test_an_answer_records_its_procedure_facet_and_latency() -> None:
    turn = describe_turn(
        call("action_answer_procedure", "lệ phí làm hộ chiếu bao nhiêu", "ask_fee"),
        answered("1.001456", "fee"),
        now=NOW,
    )
    assert (turn.outcome, turn.procedure_code, turn.facet) == ("answered", "1.001456", "fee")
    assert (turn.channel, turn.conversation_id, turn.intent) == ("portal", SENDER, "ask_fee")
    assert turn.latency_ms == 250


def test_buttons_to_choose_a_procedure_are_a_clarification() -> None:
    result = {
        "events": [],
        "responses": [
            {
                "text": "Anh/chị hỏi về thủ tục nào?",
                "buttons": [
                    {
                        "title": "Cấp xã",
                        "payload": '/choose_procedure{"procedure_code": "1.014062"}',
                    }
                ],
            }
        ],
    }
    turn = describe_turn(
        call("action_answer_procedure", "làm căn cước", "ask_procedure"), result, NOW
    )
    assert (turn.outcome, turn.procedure_code) == ("clarified", None)


def test_no_answer_and_no_choice_is_not_found() -> None:
    result = {"events": [], "responses": [{"text": "Trợ lý chưa tìm thấy thủ tục phù hợp."}]}
    turn = describe_turn(
        call("action_out_of_scope", "giá vàng hôm nay", "out_of_scope"), result, NOW
    )
    assert turn.outcome == "not_found"


def test_a_rating_records_the_procedure_under_discussion() -> None:
    turn = describe_turn(
        call("action_record_feedback", "👎", "feedback_bad", {"procedure_code": "1.000894"}),
        {"events": [], "responses": [{"text": "Cảm ơn anh/chị."}]},
        NOW,
    )
    assert (turn.outcome, turn.procedure_code) == ("rated_bad", "1.000894")


def test_personal_data_in_the_question_is_masked_again() -> None:
    turn = describe_turn(
        call("action_answer_procedure", "cccd 001203004567 mất rồi làm lại sao", "ask_procedure"),
        answered("1.014064", "documents"),
        NOW,
    )
    assert "001203004567" not in turn.question
    assert "[số CCCD]" in turn.question


def test_deleting_a_conversation_is_not_a_turn() -> None:
    result = {"events": [], "responses": [{"custom": {"forgotten": True}}]}
    assert describe_turn(call("action_forget_conversation", "", "forget"), result, NOW) is None


def test_a_receipt_code_is_not_kept_in_the_record() -> None:
    turn = describe_turn(
        call(
            "action_dossier_status",
            "hồ sơ 000.00.04.H51-250221-0001 đến đâu rồi",
            "ask_dossier_status",
        ),
        {"events": [], "responses": [{"text": "Hồ sơ đang được xử lý."}]},
        NOW,
    )
    assert turn.question == "hồ sơ [mã hồ sơ] đến đâu rồi"
    assert turn.outcome == "dossier"
