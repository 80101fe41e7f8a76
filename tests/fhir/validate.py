"""Validates FHIR R4 JSON with an independent implementation.

Usage: python validate.py FILE...  Each file holds one resource; its
resourceType picks the model. Uses fhir.resources 6.4.0 (FHIR 4.0.1, R4),
which .ci/run installs: it checks structure, types, cardinality and unknown
fields. It does not check the required value sets, so the codes this tool
uses are checked here against the R4 specification's lists, and so is the
rule that contained resources are referenced (dom-3). When a Questionnaire
is among the files, each QuestionnaireResponse must fit it: known linkIds,
answers among the answerOptions, integers within minValue/maxValue, several
answers only where the item repeats, every required item answered.

Prints one line per file; exits 1 on the first invalid resource, 3 when
fhir.resources is not installed.
"""
import json
import sys

try:
    import fhir.resources
    from fhir.resources import construct_fhir_element
except ImportError as e:  # pragma: no cover
    print(f"fhir.resources is not installed: {e}", file=sys.stderr)
    sys.exit(3)

if fhir.resources.__fhir_version__ != "4.0.1":
    print(f"need FHIR 4.0.1 (R4), have {fhir.resources.__fhir_version__}", file=sys.stderr)
    sys.exit(3)

# Required bindings in FHIR R4 (4.0.1) for the elements used.
STATUS = {
    "Questionnaire": {"draft", "active", "retired", "unknown"},
    "QuestionnaireResponse": {"in-progress", "completed", "amended", "entered-in-error", "stopped"},
    "Observation": {"registered", "preliminary", "final", "amended", "corrected",
                    "cancelled", "entered-in-error", "unknown"},
}
ITEM_TYPES = {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time",
              "string", "text", "url", "choice", "open-choice", "attachment", "reference",
              "quantity"}
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"


def fail(path, message):
    print(f"{path}: INVALID: {message}")
    sys.exit(1)


def check_codes(path, resource):
    kind = resource["resourceType"]
    if kind in STATUS and resource.get("status") not in STATUS[kind]:
        fail(path, f"{kind}.status {resource.get('status')!r} is not in {sorted(STATUS[kind])}")
    for contained in resource.get("contained", []):
        check_codes(path, contained)
        reference = "#" + contained.get("id", "")
        if reference not in json.dumps(resource):
            fail(path, f"contained {contained['resourceType']} {reference} is never referenced (dom-3)")

    def items(list_):
        for item in list_:
            yield item
            yield from items(item.get("item", []))

    if kind == "Questionnaire":
        for item in items(resource.get("item", [])):
            if item["type"] not in ITEM_TYPES:
                fail(path, f"item {item['linkId']} has type {item['type']!r}")


def check_response(path, response, questionnaire):
    url = f"{questionnaire['url']}|{questionnaire['version']}"
    if response.get("questionnaire") != url:
        fail(path, f"references {response.get('questionnaire')!r}, not {url!r}")
    questions = {i["linkId"]: i for i in questionnaire["item"]}
    answered = set()
    for item in response.get("item", []):
        question = questions.get(item["linkId"])
        if question is None:
            fail(path, f"linkId {item['linkId']!r} is not in the Questionnaire")
        answers = item.get("answer", [])
        answered.add(item["linkId"])
        if len(answers) > 1 and not question.get("repeats"):
            fail(path, f"{item['linkId']} has several answers but does not repeat")
        for answer in answers:
            if question["type"] == "choice":
                coding = answer.get("valueCoding")
                options = [(o["valueCoding"]["system"], o["valueCoding"]["code"])
                           for o in question.get("answerOption", [])]
                if coding is None or (coding["system"], coding["code"]) not in options:
                    fail(path, f"{item['linkId']}: {coding} is not an answerOption")
            elif question["type"] == "integer":
                value = answer.get("valueInteger")
                bounds = {e["url"]: e["valueInteger"] for e in question.get("extension", [])}
                if not isinstance(value, int) or not (
                        bounds.get(MIN_VALUE, value) <= value <= bounds.get(MAX_VALUE, value)):
                    fail(path, f"{item['linkId']}: {value!r} is outside the bounds {bounds}")
    # In the Questionnaire's order, an item's enableWhen reads the answers
    # of the enabled items before it: a disabled item has no answers to
    # give (R4: enabled means "displayed/allow answers to be captured"), so
    # one that carries answers is refused.
    response_answers = {item["linkId"]: item.get("answer", [])
                        for item in response.get("item", [])}
    given = {}
    for link_id, question in questions.items():
        if enabled(question, given):
            if link_id in response_answers:
                given[link_id] = response_answers[link_id]
            elif question.get("required"):
                fail(path, f"required item {link_id!r} not answered where it is enabled")
        elif response_answers.get(link_id):
            fail(path, f"{link_id!r} is answered where its enableWhen disables it")


def enabled(question, given):
    """Whether an item is enabled (R4 enableWhen): with no condition, always;
    otherwise all (or, with enableBehavior "any", some) conditions hold. "="
    holds when an answer equals the value, "!=" when none does (so it holds
    for an item not answered), ">=" and "<=" when an answer compares so."""
    conditions = question.get("enableWhen", [])
    if not conditions:
        return True

    def value(answer):
        if "valueCoding" in answer:
            return (answer["valueCoding"]["system"], answer["valueCoding"]["code"])
        return answer.get("valueInteger")

    def holds(condition):
        answers = [value(a) for a in given.get(condition["question"], [])]
        if "answerCoding" in condition:
            wanted = (condition["answerCoding"]["system"], condition["answerCoding"]["code"])
        else:
            wanted = condition.get("answerInteger")
        op = condition["operator"]
        if op == "=":
            return wanted in answers
        if op == "!=":
            return wanted not in answers
        if op == ">=":
            return any(a is not None and a >= wanted for a in answers)
        if op == "<=":
            return any(a is not None and a <= wanted for a in answers)
        if op == "exists":
            return bool(answers) == condition.get("answerBoolean", True)
        raise ValueError(f"operator {op!r} is not handled here")

    results = [holds(c) for c in conditions]
    behavior = question.get("enableBehavior", "all")
    return any(results) if behavior == "any" else all(results)


resources = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    try:
        resource = construct_fhir_element(data["resourceType"], data)
    except Exception as e:  # the validator's own message says what is wrong
        print(f"{path}: INVALID {data.get('resourceType')}: {e}")
        sys.exit(1)
    # Round trip: the model must keep every field we wrote.
    back = json.loads(resource.json())
    missing = sorted(set(data) - set(back))
    if missing:
        print(f"{path}: fields dropped by the model: {missing}")
        sys.exit(1)
    check_codes(path, data)
    resources.append((path, data))

questionnaires = [data for _, data in resources if data["resourceType"] == "Questionnaire"]
for path, data in resources:
    if data["resourceType"] == "QuestionnaireResponse" and questionnaires:
        check_response(path, data, questionnaires[0])
    print(f"{path}: valid {data['resourceType']} (FHIR {fhir.resources.__fhir_version__})")
