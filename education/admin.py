"""Editors write articles here: Markdown with a rendered preview, publishing, language, category and order."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from education.models import SIGNALS, Article
from education.rendering import render_markdown
from education.views import article_context


class ArticleForm(forms.ModelForm):
    signals = forms.MultipleChoiceField(
        label=_("suggested for"), choices=SIGNALS, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Suggested to patients who logged these this week."),
    )

    class Meta:
        model = Article
        fields = ["title", "slug", "language", "category", "order", "summary", "body", "signals", "disclaimer",
                  "published"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "cols": 90})}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = ["title", "language", "category", "order", "published", "updated_at", "preview_link",
                    "live_link"]
    list_filter = ["category", "language", "published"]
    list_editable = ["order", "published"]
    search_fields = ["title", "summary", "body", "slug"]
    ordering = ["category", "order", "title", "language"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["rendered_preview", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "language", "category", "order", "summary", "body", "signals",
                           "disclaimer", "published", "updated_at"]}),
        (_("Preview (as last saved)"), {"fields": ["rendered_preview"]}),
    ]
    save_on_top = True

    @admin.display(description=_("preview of the saved text"))
    def rendered_preview(self, article: Article) -> str:
        if article.pk is None:
            return _("Save as a draft (leave 'published' unticked) to see the preview.")
        return format_html('<div class="article-body">{}</div><p><a href="{}">{}</a></p>',
                           render_markdown(article.body), reverse("admin:education_article_preview", args=[article.pk]),
                           _("Open the full-page preview"))

    @admin.display(description=_("preview"))
    def preview_link(self, article: Article) -> str:
        return format_html('<a href="{}">{}</a>', reverse("admin:education_article_preview", args=[article.pk]),
                           _("preview"))

    @admin.display(description=_("live"))
    def live_link(self, article: Article) -> str:
        if not article.published:
            return "—"
        return format_html('<a href="{}">{}</a>', article.get_absolute_url(), _("view on site"))

    def get_urls(self):
        preview = path("<int:article_id>/preview/", self.admin_site.admin_view(self.preview_view),
                       name="education_article_preview")
        return [preview, *super().get_urls()]

    def preview_view(self, request, article_id: int):
        """The article exactly as patients will see it, published or not; for those who may edit articles."""
        article = get_object_or_404(Article, pk=article_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return render(request, "education/article.html", {**article_context(article), "preview": True})
