"""Editors write articles here: Markdown with a live preview beside the text, publishing, language, category and order.

The live preview is rendered by the server with the same sanitiser as /learn/<slug>/ (never by a Markdown
library in the browser, which could show something patients will not see), and shown in a sandboxed frame
that links the site's own stylesheet, so the admin's styles do not change how it looks.
"""

from csp.constants import SELF
from csp.decorators import csp_replace
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from education.models import SIGNALS, STANDARD_DISCLAIMER, Article
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


class ArticleListRowForm(forms.ModelForm):
    """One row of the article list. Its order and published boxes have no label of their own in the table,
    so each names the article it changes (a screen reader would otherwise read sixty bare inputs)."""

    ROW_LABELS = {"order": _("Order: %(article)s"), "published": _("Published: %(article)s")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.ROW_LABELS.items():
            if name in self.fields:
                self.fields[name].widget.attrs["aria-label"] = label % {"article": self.instance}
                self.fields[name].help_text = ""  # not shown in the list: nothing to point aria-describedby at


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
    readonly_fields = ["live_preview", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "language", "category", "order", "summary"]}),
        (_("Text and live preview"), {"fields": ["body", "live_preview"], "classes": ["article-text"]}),
        (_("Suggestions and publishing"), {"fields": ["signals", "disclaimer", "published", "updated_at"]}),
    ]
    save_on_top = True

    class Media:
        css = {"all": ["css/admin-article.css"]}
        js = ["js/article-preview.js"]

    @admin.display(description=_("live preview"))
    def live_preview(self, article: Article) -> str:
        # Hidden until article-preview.js runs: without it there is nothing live to show.
        region = format_html(
            '<div class="article-preview" role="region" aria-label="{}" data-preview-url="{}" data-updated="{}" '
            'data-failed="{}" hidden><p class="article-preview-status" role="status" aria-live="polite"></p>'
            '<iframe class="article-preview-frame" src="{}" title="{}" sandbox="allow-same-origin"></iframe></div>',
            _("live preview"), reverse("admin:education_article_live_preview"), _("Preview updated."),
            _("The preview could not be updated. Your text is kept; save the article to check it."),
            reverse("admin:education_article_preview_frame"), _("The article as patients will see it"),
        )
        if article.pk is None:
            return region
        return format_html('{}<p><a href="{}">{}</a></p>', region,
                           reverse("admin:education_article_preview", args=[article.pk]),
                           _("Open the full-page preview of the last saved version"))

    @admin.display(description=_("preview"))
    def preview_link(self, article: Article) -> str:
        return format_html('<a href="{}">{}</a>', reverse("admin:education_article_preview", args=[article.pk]),
                           _("preview"))

    @admin.display(description=_("live"))
    def live_link(self, article: Article) -> str:
        if not article.published:
            return "—"
        return format_html('<a href="{}">{}</a>', article.get_absolute_url(), _("view on site"))

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=ArticleListRowForm, **kwargs)

    def get_urls(self):
        site = self.admin_site
        frame = xframe_options_sameorigin(csp_replace({"frame-ancestors": [SELF]})(self.preview_frame_view))
        return [
            # Not wrapped in admin_view: a refusal is a plain 403, never a sign-in page for a script to parse.
            path("live-preview/", self.live_preview_view, name="education_article_live_preview"),
            path("live-preview/frame/", site.admin_view(frame), name="education_article_preview_frame"),
            path("<int:article_id>/preview/", site.admin_view(self.preview_view), name="education_article_preview"),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The add and change pages hold the live preview's frame: a page of this site, nothing else.
        view = csp_replace({"frame-src": [SELF]})(super().changeform_view)
        return view(request, object_id, form_url, extra_context)

    def may_write_articles(self, request) -> bool:
        return self.admin_site.has_permission(request) and (
            self.has_add_permission(request) or self.has_change_permission(request))

    def live_preview_view(self, request):
        """The Markdown as it stands in the editor, rendered exactly as /learn/<slug>/ renders it."""
        if not self.may_write_articles(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return JsonResponse({"html": render_markdown(request.POST.get("body", ""))})

    def preview_frame_view(self, request):
        """The empty article page the live preview fills in, styled by the site's own stylesheet."""
        if not self.may_write_articles(request):
            raise PermissionDenied
        return render(request, "admin/education/article/preview_frame.html",
                      {"standard_disclaimer": STANDARD_DISCLAIMER})

    def preview_view(self, request, article_id: int):
        """The article exactly as patients will see it, published or not; for those who may edit articles."""
        article = get_object_or_404(Article, pk=article_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return render(request, "education/article.html", {**article_context(article), "preview": True})
