
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_protect_audit_chain_head'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('delivery', models.CharField(choices=[('immediate', 'Gửi thư ngay khi có thông báo'), ('digest', 'Gửi một thư tổng hợp mỗi ngày')], default='immediate', max_length=10, verbose_name='cách nhận thư thông báo')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='cập nhật lúc')),
            ],
            options={
                'verbose_name': 'cách nhận thông báo',
                'verbose_name_plural': 'cách nhận thông báo',
            },
        ),
        migrations.AddField(
            model_name='notification',
            name='email_claim',
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name='notification',
            name='email_claimed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        # Notifications older than e-mail itself are never e-mailed: they are added as skipped, and only then
        # does the default become pending for the ones created from now on.
        migrations.AddField(
            model_name='notification',
            name='email_status',
            field=models.CharField(choices=[('pending', 'Chờ gửi thư'), ('sent', 'Đã gửi thư'), ('skipped', 'Không gửi thư')], default='skipped', max_length=10, verbose_name='thư điện tử'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='email_status',
            field=models.CharField(choices=[('pending', 'Chờ gửi thư'), ('sent', 'Đã gửi thư'), ('skipped', 'Không gửi thư')], default='pending', max_length=10, verbose_name='thư điện tử'),
        ),
        migrations.AddField(
            model_name='notification',
            name='emailed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='gửi thư lúc'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('email_status', 'pending')), fields=['recipient', 'created_at'], name='notification_email_due_idx'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(('email_status__in', ['pending', 'sent', 'skipped'])), name='notification_email_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('email_status', 'sent'), _negated=True), ('emailed_at__isnull', False), _connector='OR'), name='notification_emailed_when_sent'),
        ),
        migrations.AddField(
            model_name='notificationpreference',
            name='user',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preference', to=settings.AUTH_USER_MODEL, verbose_name='người dùng'),
        ),
        migrations.AddConstraint(
            model_name='notificationpreference',
            constraint=models.CheckConstraint(condition=models.Q(('delivery__in', ['immediate', 'digest'])), name='notificationpreference_delivery_valid'),
        ),
    ]
