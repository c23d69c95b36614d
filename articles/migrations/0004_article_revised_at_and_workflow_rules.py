from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0003_image_renditions_and_protected_use'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='revised_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='updated for readers'),
        ),
        migrations.AddConstraint(
            model_name='article',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'unpublished'), _negated=True), ('published_at__isnull', False), _connector='OR'), name='unpublished_article_has_time', violation_error_message='Only an article that was published can be withdrawn.'),
        ),
        migrations.AddConstraint(
            model_name='article',
            constraint=models.CheckConstraint(condition=models.Q(('revised_at__isnull', True), models.Q(('published_at__isnull', False), ('revised_at__gte', models.F('published_at'))), _connector='OR'), name='article_revised_after_publication', violation_error_message='An article is updated only after its publication.'),
        ),
    ]
