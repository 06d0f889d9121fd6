"""Reading the stakeholder groups and weights page (consult/consultations/forms.py: WeightsForm)."""

from werkzeug.datastructures import MultiDict

from consult.consultations.forms import WeightsForm
from factories import make_consultation, make_stakeholder_group


def setting():
    carer = make_stakeholder_group(weight=2.0, name={"en": "Carers"})
    gp = make_stakeholder_group(weight=1.0, name={"en": "GPs"})
    resident = make_stakeholder_group(weight=0.5, name={"en": "Residents"})
    return make_consultation(groups=[carer, gp]), [carer, gp, resident]


def test_the_page_shows_the_consultations_weights_and_each_other_groups_usual_one():
    consultation, (carer, gp, resident) = setting()
    consultation.group_weights[0].weight = 3.0
    form = WeightsForm(consultation, [carer, gp, resident])
    assert form.values == {carer.id: (True, 3.0), gp.id: (True, 1.0), resident.id: (False, 0.5)}
    assert form.chosen == {} and form.errors == {}


def test_the_ticked_groups_and_their_weights_are_chosen():
    consultation, (carer, gp, resident) = setting()
    form = WeightsForm(consultation, [carer, gp, resident], MultiDict({
        f"take_{carer.id}": "y", f"weight_{carer.id}": " 2.5 ", f"weight_{gp.id}": "not a number",
        f"take_{resident.id}": "y", f"weight_{resident.id}": "0"}))
    assert form.errors == {}  # an unticked group's weight is not read
    assert form.chosen == {carer.id: 2.5, resident.id: 0.0}
    assert form.values[gp.id] == (False, "not a number")


def test_a_ticked_group_needs_a_weight_from_0_to_1000():
    consultation, groups = setting()
    bad = ["", "heavy", "-1", "1000.5", "nan", "inf", "1e400"]
    for raw in bad:
        form = WeightsForm(consultation, groups, MultiDict({f"take_{groups[0].id}": "y",
                                                           f"weight_{groups[0].id}": raw}))
        assert form.errors == {f"weight_{groups[0].id}": "Enter a weight for Carers as a number from 0 to 1,000"}, raw
        assert form.chosen == {}
        assert form.error_list == [{"text": form.errors[f"weight_{groups[0].id}"],
                                    "href": f"#weight_{groups[0].id}"}]
    assert WeightsForm(consultation, groups, MultiDict({f"take_{groups[0].id}": "y",
                                                        f"weight_{groups[0].id}": "1000"})).errors == {}


def test_a_services_refusal_is_kept_by_its_field_or_for_the_groups():
    consultation, groups = setting()
    form = WeightsForm(consultation, groups, MultiDict())
    form.add_error(None, "Choose at least one stakeholder group.")
    form.add_error("weight_9", "Too much.")
    assert form.errors == {"groups": "Choose at least one stakeholder group.", "weight_9": "Too much."}
