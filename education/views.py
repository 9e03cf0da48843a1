"""The education library for signed-in readers: /learn/ and /learn/<slug>/."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language

from education import library
from education.models import disclaimer_for
from education.rendering import render_markdown


@login_required
def article_list(request):
    """Published articles by category, in the reader's language (English where not yet translated)."""
    articles = library.published_articles(get_language())
    return render(request, "education/learn.html", {"categories": library.by_category(articles)})


@login_required
def article_detail(request, slug: str):
    article = library.published_article(slug, get_language())
    if article is None:
        raise Http404
    return render(request, "education/article.html", article_context(article))


def article_context(article) -> dict:
    """What the article page shows; the admin's preview uses the same."""
    return {
        "article": article, "body": render_markdown(article.body), "disclaimer": disclaimer_for(article),
        "in_other_language": article.language != get_language(),
    }
