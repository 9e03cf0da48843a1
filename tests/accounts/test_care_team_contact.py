"""How to reach the care team: edited once by an admin in both languages, shown wherever the app tells
the patient to get in touch (the status panel, the report, the patient's alert emails), with the names
of the patient's own clinicians."""

import pytest

from accounts.models import ClinicContact, tel_link
from notifications.emails import build_email
from notifications.models import Channel, Kind, Notification
from symptoms import evaluation
from symptoms.models import SymptomEntry
from tests.factories import CareTeamMemberFactory, ClinicianFactory

ADMIN_PAGE = "/admin/accounts/cliniccontact/1/change/"


def contact_form(**changes) -> dict:
    form = {
        "phone": "+886 2 2312-3456",
        "name_en": "Riverside oncology day unit", "name_zh_hant": "河濱腫瘤科日間病房",
        "hours_en": "Monday to Friday, 8:30 to 17:30", "hours_zh_hant": "週一至週五 8:30–17:30",
        "out_of_hours_en": "Call the ward on the same number.", "out_of_hours_zh_hant": "請撥同一支電話找病房。",
    }
    return {**form, **changes}


@pytest.fixture
def contact(db) -> ClinicContact:
    saved = ClinicContact(**contact_form())
    saved.save()
    return saved


@pytest.fixture
def named_clinic(clinic):
    clinic.clinician.first_name, clinic.clinician.last_name = "Grace", "Chen"
    clinic.clinician.save()
    colleague = ClinicianFactory(first_name="Daniel", last_name="Okafor")
    CareTeamMemberFactory(patient=clinic.patient, clinician=colleague)
    clinic.other_clinician.first_name, clinic.other_clinician.last_name = "Someone", "Else"
    clinic.other_clinician.save()
    return clinic


def contact_block(html: str) -> str:
    start = html.index('class="care-contact')
    return html[start:html.index("</div>" if "<div" in html[start - 5:start] else "</details>", start)]


def test_an_admin_edits_the_contact_and_the_patient_sees_it_with_their_own_clinicians(client, named_clinic,
                                                                                        fall_alert):
    client.force_login(named_clinic.admin)
    assert client.get("/admin/accounts/cliniccontact/").url == ADMIN_PAGE  # one contact: straight to it
    response = client.post(ADMIN_PAGE, contact_form())
    assert response.status_code == 302, response.content.decode()[:2000]

    client.force_login(named_clinic.patient)
    for path in ("/log/", "/history/", "/report/"):
        block = contact_block(client.get(path).content.decode())
        assert "Riverside oncology day unit" in block, path
        assert 'href="tel:+886223123456"' in block and "+886 2 2312-3456" in block, path
        assert "Open: Monday to Friday, 8:30 to 17:30" in block, path
        assert "Out of hours or in an emergency: Call the ward on the same number." in block, path
        assert "Your clinicians: Grace Chen, Daniel Okafor" in block, path
        assert "Someone Else" not in block, path  # another patient's clinician


def test_in_chinese_the_chinese_texts_and_english_where_none_was_written(client, named_clinic, fall_alert, contact):
    contact.hours_zh_hant = ""
    contact.save()
    named_clinic.patient.language = "zh-hant"
    named_clinic.patient.save()
    client.force_login(named_clinic.patient)
    block = contact_block(client.get("/log/").content.decode())
    assert "如何聯絡您的醫療團隊" in block
    assert "河濱腫瘤科日間病房" in block and "Riverside" not in block
    assert "Monday to Friday, 8:30 to 17:30" in block  # better than nothing
    assert "請撥同一支電話找病房。" in block


def test_a_patient_who_is_well_has_it_folded_away_and_one_who_should_call_has_it_open(client, clinic, contact,
                                                                                     fall_alert):
    client.force_login(clinic.patient)
    assert '<div class="care-contact"' in client.get("/log/").content.decode()  # a fall: get in touch
    SymptomEntry.objects.filter(patient=clinic.patient).update(fell=False)
    evaluation.evaluate_patient(clinic.patient)
    page = client.get("/log/").content.decode()
    assert '<details class="care-contact">' in page and "+886 2 2312-3456" in page


def test_before_the_admin_fills_it_in_the_patient_still_gets_their_clinicians_and_a_pointer(client, named_clinic,
                                                                                           fall_alert):
    client.force_login(named_clinic.patient)
    block = contact_block(client.get("/log/").content.decode())
    assert "Your clinicians: Grace Chen, Daniel Okafor" in block
    assert "tel:" not in block
    assert "appointment letter" not in block  # the clinicians' names are something to go on
    named_clinic.patient.care_team_memberships.all().delete()
    block = contact_block(client.get("/log/").content.decode())
    assert "use the number on your appointment letter" in block


def test_the_patients_alert_email_says_how_to_reach_the_care_team(named_clinic, fall_alert, contact):
    notification = Notification.objects.create(recipient=named_clinic.patient, kind=Kind.ALERT,
                                               channel=Channel.EMAIL, subject={"alert_id": fall_alert.pk})
    message = build_email(notification)
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "How to reach your care team" in body
        assert "Riverside oncology day unit" in body and "+886 2 2312-3456" in body
        assert "Out of hours or in an emergency: Call the ward on the same number." in body
        assert "Your clinicians: Grace Chen, Daniel Okafor" in body
    assert 'href="tel:+886223123456"' in html
    assert "2312" not in message.subject


def test_a_bad_telephone_number_is_refused_naming_the_field_and_nothing_changes(client, clinic, contact):
    client.force_login(clinic.admin)
    response = client.post(ADMIN_PAGE, contact_form(phone="call reception", name_en="Changed name"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["phone"] and "digits" in errors["phone"][0]
    stored = ClinicContact.objects.get()
    assert (stored.phone, stored.name_en) == ("+886 2 2312-3456", "Riverside oncology day unit")


def test_there_is_one_contact_it_cannot_be_added_again_or_deleted(client, clinic, contact):
    client.force_login(clinic.admin)
    assert client.get("/admin/accounts/cliniccontact/add/").status_code == 403
    assert client.post("/admin/accounts/cliniccontact/1/delete/", {"post": "yes"}).status_code == 403
    assert ClinicContact.objects.count() == 1


def test_patients_and_clinicians_cannot_edit_it(client, clinic, contact):
    for person in (clinic.patient, clinic.clinician):
        client.force_login(person)
        response = client.post(ADMIN_PAGE, contact_form(phone="+1 555 0100"))
        assert response.status_code in (302, 403, 404)
    assert ClinicContact.objects.get().phone == "+886 2 2312-3456"


@pytest.mark.parametrize(("phone", "tel"), [("02 2312 3456", "tel:0223123456"),
                                             ("+44 (0)20 7946-0000", "tel:+4402079460000")])
def test_the_tel_link_keeps_only_what_is_dialled(phone, tel):
    assert tel_link(phone) == tel
