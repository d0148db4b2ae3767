"""The accessibility policy (ウェブアクセシビリティ方針) as a third kind of policy
document, and its version 1 from ``privacy/defaults/accessibility_*.md``. Nobody is
asked to accept it: it is a statement, not a contract."""

from pathlib import Path

from django.db import migrations, models

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"


def default_accessibility_policy(apps, schema_editor):
    from participation.text import render_html

    PolicyDocument = apps.get_model("privacy", "PolicyDocument")
    if PolicyDocument.objects.filter(kind="accessibility").exists():
        return
    body = (DEFAULTS / "accessibility_ja.md").read_text(encoding="utf-8")
    body_en = (DEFAULTS / "accessibility_en.md").read_text(encoding="utf-8")
    PolicyDocument.objects.create(
        kind="accessibility",
        version=1,
        title="ウェブアクセシビリティ方針",
        title_en="Web accessibility policy",
        body=body,
        body_html=render_html(body),
        body_en=body_en,
        body_en_html=render_html(body_en),
        requires_acceptance=False,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_access_log_leaving_and_policies"),
    ]

    operations = [
        migrations.AlterField(
            model_name="policydocument",
            name="kind",
            field=models.CharField(
                choices=[
                    ("terms", "Terms of use"),
                    ("privacy", "Privacy policy"),
                    ("accessibility", "Accessibility policy"),
                ],
                max_length=20,
                verbose_name="document",
            ),
        ),
        migrations.RunPython(default_accessibility_policy, migrations.RunPython.noop),
    ]
