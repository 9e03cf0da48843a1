"""Education articles: Markdown written by editors, shown to patients sanitised, in their language."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from symptoms.entry_fields import FLAG_LABELS

# What a patient logged, or their status, that an article helps with (see education.suggestions).
SIGNALS = (
    ("refer", _("Evaluation recommended")),
    ("watch", _("Watch")),
    ("severe_score", _("Severe symptoms")),
    ("worsening", _("Rapid worsening")),
    # The daily-life answers, in the words the diary uses for them.
    *((field, capfirst(FLAG_LABELS[field])) for field in (
        "fell", "balance_problems", "dropped_objects", "fine_motor_difficulty", "sleep_disturbed", "cold_sensitivity")),
)
SIGNAL_CODES = tuple(code for code, _label in SIGNALS)
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Category(models.TextChoices):
    UNDERSTANDING_SYMPTOMS = "understanding_symptoms", _("Understanding your symptoms")
    CAUSES = "causes", _("Causes")
    SELF_CARE = "self_care", _("Looking after yourself")
    SAFETY_FALLS = "safety_falls", _("Safety and falls")
    WHEN_TO_SEEK_HELP = "when_to_seek_help", _("When to seek help")


class Article(models.Model):
    """One article in one language; the same slug in another language is its translation."""

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(
        _("slug"), max_length=60,
        validators=[RegexValidator(SLUG_PATTERN, _("Use lowercase words joined by hyphens."))],
        # The admin shows help text as HTML: no angle brackets, or "<slug>" would vanish as a tag.
        help_text=_("The last part of the article's address, as in /learn/keeping-warm/; the same for every "
                    "translation."),
    )
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One or two sentences for the list."))
    body = models.TextField(_("body (Markdown)"), help_text=_("Markdown. HTML is removed when shown."))
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    signals = models.JSONField(_("suggested for"), default=list, blank=True,
                               help_text=_("Suggested to patients who logged these this week."))
    order = models.PositiveSmallIntegerField(_("order"), default=100, help_text=_("Lower comes first in its category."))
    published = models.BooleanField(_("published"), default=False)
    disclaimer = models.TextField(_("disclaimer"), blank=True, default="",
                                  help_text=_("Leave empty to show the standard medical disclaimer."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["category", "order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="article_one_per_slug_and_language"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def get_absolute_url(self) -> str:
        return reverse("education:article", kwargs={"slug": self.slug})

    def clean(self) -> None:
        unknown = [signal for signal in self.signals or [] if signal not in SIGNAL_CODES]
        if unknown or not isinstance(self.signals, list):
            raise ValidationError({"signals": _("Choose from the listed signals.")})


STANDARD_DISCLAIMER = _(
    "This article is general information to help you understand and manage your symptoms. It is not medical "
    "advice and does not replace your care team: ask them before you change anything in your treatment, and "
    "contact them, or emergency services, if you are worried."
)


def disclaimer_for(article: Article) -> str:
    return article.disclaimer or str(STANDARD_DISCLAIMER)
