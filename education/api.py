"""GET /api/v1/articles/?lang=&signal=: published articles for any signed-in user."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cipn_tracker.api import error_responses
from education import library
from education.models import SIGNAL_CODES, Category, disclaimer_for
from education.rendering import render_markdown

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


class ArticleSerializer(serializers.Serializer):
    slug = serializers.CharField()
    language = serializers.CharField(help_text="the article's language: English when not yet translated")
    title = serializers.CharField()
    summary = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.values)
    signals = serializers.ListField(child=serializers.ChoiceField(choices=SIGNAL_CODES))
    order = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    url = serializers.CharField(source="get_absolute_url")
    body = serializers.CharField(help_text="Markdown as written")
    html = serializers.SerializerMethodField(help_text="the body rendered and sanitised")
    disclaimer = serializers.SerializerMethodField()

    def get_html(self, article) -> str:
        return str(render_markdown(article.body))

    def get_disclaimer(self, article) -> str:
        return disclaimer_for(article)


class ArticleListView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("lang", str, enum=LANGUAGE_CODES, allow_blank=False,
                             description="leave out for your own language"),
            OpenApiParameter("signal", str, enum=SIGNAL_CODES, allow_blank=False,
                             description="only articles that help with this; leave out for all"),
        ],
        responses={200: ArticleSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request):
        """Published articles in a language (English where not yet translated), in library order. A filter
        given empty (`?lang=`) is refused, like any value not in its list."""
        params = request.query_params
        language = params["lang"] if "lang" in params else request.user.language
        if language not in LANGUAGE_CODES:
            raise ValidationError({"lang": [_("Use one of: %(codes)s.") % {"codes": ", ".join(LANGUAGE_CODES)}]})
        signal = params["signal"] if "signal" in params else None
        if signal is not None and signal not in SIGNAL_CODES:
            raise ValidationError({"signal": [_("Unknown signal; use one of: %(codes)s.")
                                              % {"codes": ", ".join(SIGNAL_CODES)}]})
        articles = library.published_articles(language, signal)
        return Response(ArticleSerializer(articles, many=True).data)
