from datetime import timedelta

import factory

from accounts.models import CareTeamMember, Role, User
from symptoms import evaluation
from symptoms.models import SymptomEntry
from treatment.models import Administration, ClinicianGrade, Course

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.PATIENT
    time_zone = "Europe/London"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PatientFactory(UserFactory):
    username = factory.Sequence(lambda n: f"patient{n}")
    role = Role.PATIENT


class ClinicianFactory(UserFactory):
    username = factory.Sequence(lambda n: f"clinician{n}")
    role = Role.CLINICIAN


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    role = Role.ADMIN
    is_superuser = True


class CareTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamMember

    patient = factory.SubFactory(PatientFactory)
    clinician = factory.SubFactory(ClinicianFactory)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SymptomEntry

    patient = factory.SubFactory(PatientFactory)
    date = factory.LazyAttribute(lambda entry: entry.patient.local_today())
    numbness = 3
    pain = 2
    hands = True
    feet = True


def weekly_course_getting_worse(patient, clinician):
    """`patient` on weekly paclitaxel dosed 12 and 5 days ago, the next in 2 days; worse in cycle 2 (1s, then
    5s: rising) with a fall yesterday, and a grade 1 in cycle 2 (self-care limited: the two disagree);
    assessed. Returns the course."""
    today = patient.local_today()
    for ago in range(13, -1, -1):
        EntryFactory(patient=patient, date=today - timedelta(days=ago), numbness=1 if ago > 5 else 5, pain=0,
                     fell=ago == 1)
    course = Course.objects.create(patient=patient, agent="paclitaxel", regimen="weekly", cycle_length_days=7)
    for offset in (-12, -5, 2):
        Administration.objects.create(course=course, date=today + timedelta(days=offset))
    ClinicianGrade.objects.create(patient=patient, date=today - timedelta(days=1), grade=1, recorded_by=clinician)
    evaluation.evaluate_patients([patient.pk])
    return course
