from hotline.assessment.tests.conftest import cast, presets  # noqa: F401 - the assessment's fixtures
