import time, importlib
import pytest
from django.utils import timezone
from demo import seed
@pytest.mark.django_db
def test_timing():
    now = timezone.now()
    s = seed.Seeder(now=now, log=print)
    t = time.time()
    with seed.seeding_settings():
        s.run(extensions=False)
        print("CORE", round(time.time()-t, 1))
        for mod, fn, _ in seed.EXTENSIONS:
            try:
                m = importlib.import_module(mod)
            except ModuleNotFoundError:
                continue
            t = time.time(); getattr(m, fn)(now); print(mod, round(time.time()-t, 1))
