"""How a patient reaches their care team: the clinic's name, telephone, hours and out-of-hours advice
(edited by admins in both languages) and the names of the patient's own clinicians. Shown wherever the
app tells a patient to get in touch: the status panel, the appointment report and their emails."""

from dataclasses import dataclass

from django.utils.translation import get_language

from accounts.models import ClinicContact, User, display_name, tel_link


@dataclass(frozen=True)
class CareTeamContact:
    clinic_name: str
    phone: str
    tel: str
    hours: str
    out_of_hours: str
    clinicians: list[str]

    @property
    def has_clinic_details(self) -> bool:
        return bool(self.clinic_name or self.phone or self.hours or self.out_of_hours)


def care_team_contact(patient: User, language: str | None = None) -> CareTeamContact:
    """The contact block for one patient in a language (the active one by default): two statements."""
    language = language or get_language() or "en"
    clinic = ClinicContact.current()
    clinicians = User.objects.filter(patient_memberships__patient=patient).order_by(
        "last_name", "first_name", "username").values_list("first_name", "last_name", "username")
    return CareTeamContact(
        clinic_name=clinic.in_language("name", language),
        phone=clinic.phone.strip(),
        tel=tel_link(clinic.phone) if clinic.phone.strip() else "",
        hours=clinic.in_language("hours", language),
        out_of_hours=clinic.in_language("out_of_hours", language),
        clinicians=[display_name(*names) for names in clinicians],
    )
