"""Which articles a reader sees: published ones, in their language, falling back to English per article."""

from django.conf import settings

from education.models import Article, Category


def published_articles(language: str, signal: str | None = None) -> list[Article]:
    """One published article per slug, in `language` when translated, otherwise in English; in library order."""
    candidates = Article.objects.filter(published=True, language__in={language, settings.LANGUAGE_CODE})
    chosen: dict[str, Article] = {}
    for article in candidates:
        if article.slug not in chosen or article.language == language:
            chosen[article.slug] = article
    articles = [a for a in chosen.values() if signal is None or signal in (a.signals or [])]
    category_rank = {value: rank for rank, value in enumerate(Category.values)}
    return sorted(articles, key=lambda a: (category_rank.get(a.category, len(category_rank)), a.order, a.title))


def published_article(slug: str, language: str) -> Article | None:
    """The article in `language`, or in English when it has no published translation; None if unpublished."""
    articles = {a.language: a for a in Article.objects.filter(
        slug=slug, published=True, language__in={language, settings.LANGUAGE_CODE})}
    return articles.get(language) or articles.get(settings.LANGUAGE_CODE)


def by_category(articles: list[Article]) -> list[tuple[str, list[Article]]]:
    """Articles grouped under their category's name, categories in library order, empty ones left out."""
    return [(label, [a for a in articles if a.category == value]) for value, label in Category.choices
            if any(a.category == value for a in articles)]
