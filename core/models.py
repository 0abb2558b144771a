from django.db import models


class PublicChange(models.Model):
    """The one row saying when the public record last changed, kept in the database so that every web worker,
    task worker and machine reads the same answer.

    `generation` names the current state of everything the public pages show: the page cache
    (convention_portal/page_cache.py) files pages under it, so a change seen by one process empties the cache of
    all. `changed_at` is the time of the last public change, a withdrawal or a deletion included, which the feeds
    and the API give as Last-Modified: unlike the newest change among the records still published, it never goes
    back in time.
    """

    ROW = 1

    generation = models.BigIntegerField()
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="public_change_single_row")]

    def __str__(self):
        return f"generation {self.generation} ({self.changed_at.isoformat()})"
