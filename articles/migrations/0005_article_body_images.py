import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0004_article_revised_at_and_workflow_rules'),
    ]

    operations = [
        migrations.CreateModel(
            name='ArticleBodyImage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'verbose_name': 'image in an article body',
                'verbose_name_plural': 'images in article bodies',
            },
        ),
        migrations.AddField(
            model_name='articlebodyimage',
            name='article',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.article'),
        ),
        migrations.AddField(
            model_name='articlebodyimage',
            name='image',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='articles.image'),
        ),
        migrations.AddField(
            model_name='article',
            name='body_images',
            field=models.ManyToManyField(blank=True, editable=False, related_name='in_article_bodies', through='articles.ArticleBodyImage', to='articles.image', verbose_name='images in the body'),
        ),
        migrations.AddConstraint(
            model_name='articlebodyimage',
            constraint=models.UniqueConstraint(fields=('article', 'image'), name='unique_article_body_image'),
        ),
    ]
