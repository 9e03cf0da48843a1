import factory

from accounts.models import CareTeamMember, Role, User
from symptoms.models import SymptomEntry

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
