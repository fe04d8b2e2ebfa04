"""The migrations 0001-0006 of core as one (``replaces``), so that a new database is
created in one step per app instead of replaying every change (a test run migrated for
about a minute, most of it Django re-rendering the models of each intermediate state).
A database that has applied the replaced migrations carries on from them; one that has
applied some of them finishes them first (Django uses the replaced files then, so they
stay until every installation has migrated past them).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('core', '0001_accounts'),
        ('core', '0002_notifications_and_reminders'),
        ('core', '0002_outgoing_email_attachments'),
        ('core', '0003_notification_kinds_meetings_and_jobs'),
        ('core', '0004_merge_notifications_and_attachments'),
        ('core', '0005_notification_kind_section_assigned'),
        ('core', '0006_removal'),
    ]

    dependencies = [
        ('auth', '__first__'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('digest', models.CharField(max_length=128, primary_key=True, serialize=False)),
                ('token_key', models.CharField(db_index=True, max_length=25)),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('expiry', models.DateTimeField(blank=True, null=True)),
                ('name', models.CharField(max_length=100, verbose_name='namn')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='senast använd')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='auth_token_set', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'API-nyckel',
                'verbose_name_plural': 'API-nycklar',
                'ordering': ['-created'],
            },
        ),
        migrations.CreateModel(
            name='Removal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=40, verbose_name='typ')),
                ('description', models.CharField(max_length=300, verbose_name='vad')),
                ('scope', models.CharField(db_index=True, max_length=80, verbose_name='gäller')),
                ('records', models.JSONField(default=list, verbose_name='historikposter')),
                ('back_url', models.CharField(blank=True, max_length=500, verbose_name='tillbaka till')),
                ('removed_at', models.DateTimeField(auto_now_add=True, verbose_name='borttagen')),
                ('restored_at', models.DateTimeField(blank=True, null=True, verbose_name='återställd')),
                ('removed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='borttagen av')),
                ('restored_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='återställd av')),
            ],
            options={
                'verbose_name': 'borttagning',
                'verbose_name_plural': 'borttagningar',
                'ordering': ['-removed_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='UserSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('session_key', models.CharField(max_length=40, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('method', models.CharField(default='password', max_length=20)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='login_sessions', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'inloggning',
                'verbose_name_plural': 'inloggningar',
            },
        ),
        migrations.CreateModel(
            name='UserSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('sv', 'Svenska'), ('en', 'English')], default='sv', max_length=5, verbose_name='språk')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='app_settings', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'användarinställning',
                'verbose_name_plural': 'användarinställningar',
            },
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('case_assigned', 'Ärende tilldelat mig'), ('case_moved', 'Mitt ärende har flyttats'), ('plan_returned', 'Finansieringsplan återsänd'), ('plan_approved', 'Finansieringsplan godkänd'), ('plan_submitted', 'Finansieringsplan att granska'), ('reminder', 'Påminnelse om förfallodatum'), ('signing_requested', 'Protokoll att justera'), ('signing_returned', 'Protokoll tillbakaskickat från justering'), ('notice_to_post', 'Justering att anslå'), ('job_failed', 'Dokumentjobb misslyckades'), ('section_assigned', 'Rapportavsnitt att skriva')], max_length=30, verbose_name='typ')),
                ('text', models.CharField(max_length=500, verbose_name='text')),
                ('url', models.CharField(blank=True, max_length=500, verbose_name='länk')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='skapad')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='läst')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='mottagare')),
            ],
            options={
                'verbose_name': 'avisering',
                'verbose_name_plural': 'aviseringar',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['recipient', 'read_at'], name='core_notifi_recipie_43dea6_idx')],
            },
        ),
        migrations.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('case_assigned', 'Ärende tilldelat mig'), ('case_moved', 'Mitt ärende har flyttats'), ('plan_returned', 'Finansieringsplan återsänd'), ('plan_approved', 'Finansieringsplan godkänd'), ('plan_submitted', 'Finansieringsplan att granska'), ('reminder', 'Påminnelse om förfallodatum'), ('signing_requested', 'Protokoll att justera'), ('signing_returned', 'Protokoll tillbakaskickat från justering'), ('notice_to_post', 'Justering att anslå'), ('job_failed', 'Dokumentjobb misslyckades'), ('section_assigned', 'Rapportavsnitt att skriva')], max_length=30, verbose_name='typ')),
                ('in_app', models.BooleanField(default=True, verbose_name='i appen')),
                ('email', models.BooleanField(default=True, verbose_name='e-post')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preferences', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'aviseringsval',
                'verbose_name_plural': 'aviseringsval',
                'constraints': [models.UniqueConstraint(fields=('user', 'kind'), name='notification_preference_unique')],
            },
        ),
        migrations.CreateModel(
            name='OutgoingEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('to', models.JSONField(default=list, verbose_name='mottagare')),
                ('subject', models.CharField(max_length=300, verbose_name='ämne')),
                ('body', models.TextField(verbose_name='text')),
                ('attachments', models.JSONField(blank=True, default=list, verbose_name='bilagor')),
                ('status', models.CharField(choices=[('queued', 'Väntar'), ('sent', 'Skickat'), ('failed', 'Misslyckades')], default='queued', max_length=10, verbose_name='status')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='försök')),
                ('error', models.TextField(blank=True, verbose_name='felorsak')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='skapat')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='skickat')),
                ('sent_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='skickat av')),
            ],
            options={
                'verbose_name': 'utgående e-post',
                'verbose_name_plural': 'utgående e-post',
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['status', 'created_at'], name='core_outgoi_status_a12fb7_idx')],
            },
        ),
        migrations.CreateModel(
            name='ReminderSent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('item', models.CharField(max_length=100, verbose_name='uppgift')),
                ('day', models.DateField(verbose_name='dag')),
                ('sent_at', models.DateTimeField(auto_now_add=True, verbose_name='skickad')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'skickad påminnelse',
                'verbose_name_plural': 'skickade påminnelser',
                'constraints': [models.UniqueConstraint(fields=('recipient', 'item', 'day'), name='reminder_once_a_day')],
            },
        ),
    ]
