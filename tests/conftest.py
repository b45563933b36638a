import pytest

import stance


@pytest.fixture(scope="session")
def seed_articles():
    return stance.load_corpus()


@pytest.fixture(scope="session")
def seed_sentences(seed_articles):
    return stance.split_sentences(seed_articles)
