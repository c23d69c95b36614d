import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0005_article_body_images'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalArticle',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('tag_names', models.JSONField(blank=True, default=list, verbose_name='tags')),
                ('headline', models.CharField(max_length=255, verbose_name='headline')),
                ('slug', models.SlugField(blank=True, help_text='Filled in from the headline, in Latin letters.', max_length=200, verbose_name='slug')),
                ('lead', models.TextField(blank=True, help_text='The standfirst under the headline (one or two sentences).', verbose_name='lead')),
                ('body', models.TextField(blank=True, verbose_name='body')),
                ('hero_caption', models.CharField(blank=True, help_text='Leave empty to use the caption stored with the image.', max_length=300, verbose_name='hero image caption')),
                ('source_line', models.CharField(blank=True, help_text='Shown under the body, e.g. the agency or publication.', max_length=200, verbose_name='source line')),
                ('language', models.CharField(choices=[('el', 'Ελληνικά'), ('en', 'English')], default='el', max_length=2, verbose_name='language')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('unpublished', 'Unpublished')], default='draft', max_length=12, verbose_name='status')),
                ('published_at', models.DateTimeField(blank=True, help_text='Athens time. A future time schedules the article: it appears by itself then.', null=True, verbose_name='published at')),
                ('revised_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='updated for readers')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('is_featured', models.BooleanField(default=False, help_text='The newest featured article leads the home page.', verbose_name='featured')),
                ('is_breaking', models.BooleanField(default=False, verbose_name='breaking')),
                ('comments_enabled', models.BooleanField(default=True, verbose_name='comments open')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'article revision',
                'verbose_name_plural': 'article revisions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='author',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author'),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='category',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.category', verbose_name='category'),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='hero_image',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='articles.image', verbose_name='hero image'),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
    ]
