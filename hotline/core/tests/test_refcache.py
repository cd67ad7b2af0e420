"""The per-process reference cache forgets what it is told to, and only that."""

from hotline.core import refcache


def test_invalidate_with_a_prefix_keeps_the_other_keys():
    loads = []

    def loader(key):
        def load():
            loads.append(key)
            return key

        return load

    refcache.invalidate()
    for key in ("feedback:exemptions", "routing:active_model"):
        refcache.cached(key, loader(key))
    refcache.invalidate("feedback:")
    for key in ("feedback:exemptions", "routing:active_model"):
        assert refcache.cached(key, loader(key)) == key
    assert loads == ["feedback:exemptions", "routing:active_model", "feedback:exemptions"]
    refcache.invalidate()
    refcache.cached("routing:active_model", loader("routing:active_model"))
    assert loads[-1] == "routing:active_model" and len(loads) == 4
