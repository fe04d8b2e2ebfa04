from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projects", "0009_number_existing_documents")]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="registry_number",
            field=models.PositiveIntegerField(blank=True, editable=False, verbose_name="löpnummer"),
        ),
        migrations.AlterField(
            model_name="historicaldocument",
            name="registry_number",
            field=models.PositiveIntegerField(
                blank=True, default=None, editable=False, verbose_name="löpnummer"
            ),
            preserve_default=False,
        ),
    ]
