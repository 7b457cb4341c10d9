"""Passages shared between notices: found, confirmed and clustered as notices are written.

Each notice's units of text come with a digit-masked text key and MinHash LSH band keys
(:func:`extract.audit.shared.passage_signatures`). When a batch of notices is written:

1. a passage whose text key equals a stored passage's is a copy (same normalised text, up to
   its figures): it joins that passage's cluster without any text comparison;
2. the others look up stored passages sharing an LSH band, and each candidate pair is
   confirmed by exact Jaccard (LSH also returns pairs below the threshold, datasketch#105);
   at most :data:`MAX_PARTNERS` candidates per passage, the ones sharing most bands;
3. passages of the batch are paired among themselves the same way;
4. confirmed pairs join their clusters (``passages.cluster_id``, an incremental union-find kept
   in the table), and every cluster the batch touched is labelled boilerplate or copied
   measure (:func:`extract.audit.shared.label_cluster`) in ``shared_clusters``.

Why it stays cheap as the store grows: the work is joins keyed on the new passages' keys, and
only a passage that matched nothing keeps its band keys, so a sentence copied into every
notice (the closing 欢迎…监督) has one set of bands, not one per copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from extract.audit.shared import (
    ClusterMember,
    PassageSignature,
    clusters,
    confirm_shared,
    label_cluster,
)
from extract.store.arrowio import insert_by_name, registered

MAX_PARTNERS = 3  # confirmed partners needed to join a cluster: one; a few guard against noise
MAX_LABEL_MEMBERS = 64  # distinct (issuer, unit) pairs read to label a cluster


@dataclass(frozen=True, slots=True)
class _New:
    notice_id: str
    passage_id: int
    sig: PassageSignature
    text: str

    @property
    def ref(self) -> str:
        return f"{self.notice_id}:{self.passage_id}"


def store_passages(
    con: duckdb.DuckDBPyConnection,
    notices: Sequence[tuple[str, str, Sequence[PassageSignature]]],
    now: datetime,
) -> int:
    """Insert the passages of ``(notice_id, text, signatures)`` and link them; returns links.

    Runs inside the caller's transaction, after the notices' rows are inserted (labels read
    their issuer and inspected unit) and after any replaced notice's passages were deleted.
    """
    new = [
        _New(nid, i, sig, text[sig.start : sig.end])
        for nid, text, sigs in notices
        for i, sig in enumerate(sigs, start=1)
    ]
    if not new:
        return 0
    stored = _StoredPartners(con)
    links: list[tuple[str, int, str, int, float]] = []
    partners: dict[int, list[tuple[str, str | None]]] = {}  # new index -> (ref, cluster)

    exact = stored.by_text_key([n.sig.text_key for n in new])
    for k, n in enumerate(new):
        hit = exact.get(n.sig.text_key)
        if hit is not None:
            ref, cluster = hit
            partners[k] = [(ref, cluster)]
            links.append((n.notice_id, n.passage_id, *_split(ref), 1.0))
    pending = [k for k in range(len(new)) if k not in partners]
    for k, (ref, cluster, text) in stored.by_bands(new, pending):
        similarity = confirm_shared(new[k].text, (0, len(new[k].text)), text, (0, len(text)))
        if similarity is not None:
            partners.setdefault(k, []).append((ref, cluster))
            links.append((new[k].notice_id, new[k].passage_id, *_split(ref), similarity))
    within = _within_batch(new)
    for a, b, similarity in within:
        links.append((new[b].notice_id, new[b].passage_id, *_split(new[a].ref), similarity))

    groups = _groups(new, partners, within)
    cluster_of = {ref: target for target, refs in groups.items() for ref in refs}
    _insert(
        con,
        "passages",
        [
            {
                "notice_id": n.notice_id,
                "passage_id": n.passage_id,
                "start_offset": n.sig.start,
                "end_offset": n.sig.end,
                "text_key": n.sig.text_key,
                "cluster_id": cluster_of.get(n.ref),
            }
            for n in new
        ],
    )
    _insert(
        con,
        "passage_bands",
        [
            {"band_key": key, "notice_id": n.notice_id, "passage_id": n.passage_id}
            for k, n in enumerate(new)
            if k not in partners
            for key in dict.fromkeys(n.sig.band_keys)
        ],
    )
    _insert(
        con,
        "passage_links",
        [
            {
                "notice_id": a,
                "passage_id": b,
                "other_notice_id": c,
                "other_passage_id": d,
                "similarity": s,
            }
            for a, b, c, d, s in links
        ],
    )
    _merge_stored(con, groups, stored.clusters_seen)
    _relabel(con, groups, {n.ref: n.text for n in new}, now)
    return len(links)


def _split(ref: str) -> tuple[str, int]:
    notice_id, passage_id = ref.rsplit(":", 1)
    return notice_id, int(passage_id)


class _StoredPartners:
    """Look-ups of stored passages; remembers each stored passage's cluster as it meets it."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.clusters_seen: dict[str, str | None] = {}  # stored ref -> its cluster

    def by_text_key(self, keys: list[int]) -> dict[int, tuple[str, str | None]]:
        """One stored passage (clustered ones first) for each text key that has one.

        An ``arg_min`` per key (a hash aggregate) rather than a window sort over every stored
        copy: same rows, about 7x faster when a stock sentence has thousands of copies.
        """
        keys_table = pa.table({"text_key": pa.array(keys, pa.int64())})
        with registered(self.con, "_xuncha_keys", keys_table):
            rows = self.con.execute(
                """
                SELECT text_key, r.notice_id || ':' || r.passage_id, r.cluster_id FROM (
                    SELECT p.text_key, arg_min(
                        {'cluster_id': p.cluster_id, 'notice_id': p.notice_id,
                         'passage_id': p.passage_id},
                        (p.cluster_id IS NULL, coalesce(p.cluster_id, ''), p.notice_id,
                         p.passage_id)) AS r
                    FROM passages p SEMI JOIN _xuncha_keys k USING (text_key)
                    GROUP BY p.text_key
                )
                """
            ).fetchall()
        for _, ref, cluster in rows:
            self.clusters_seen[ref] = cluster
        return {key: (ref, cluster) for key, ref, cluster in rows}

    def by_bands(
        self, new: Sequence[_New], pending: Sequence[int]
    ) -> list[tuple[int, tuple[str, str | None, str]]]:
        """Stored passages sharing a band with each pending one: (index, (ref, cluster, text))."""
        bands = [(key, k) for k in pending for key in dict.fromkeys(new[k].sig.band_keys)]
        if not bands:
            return []
        table = pa.table(
            {
                "band_key": pa.array([b for b, _ in bands], pa.int64()),
                "k": pa.array([k for _, k in bands], pa.int64()),
            }
        )
        with registered(self.con, "_xuncha_bands", table):
            rows = self.con.execute(
                f"""
                WITH shared AS (
                    SELECT n.k, b.notice_id, b.passage_id, count(*) AS bands
                    FROM _xuncha_bands n JOIN passage_bands b USING (band_key)
                    GROUP BY n.k, b.notice_id, b.passage_id
                ),
                hits AS (
                    SELECT * FROM shared
                    QUALIFY row_number() OVER (
                        PARTITION BY k ORDER BY bands DESC, notice_id, passage_id
                    ) <= {MAX_PARTNERS}
                )
                SELECT h.k, p.notice_id || ':' || p.passage_id, p.cluster_id,
                       substring(t.text, p.start_offset + 1, p.end_offset - p.start_offset)
                FROM hits h
                JOIN passages p USING (notice_id, passage_id)
                JOIN notices t USING (notice_id)
                """
            ).fetchall()
        for _, ref, cluster, _ in rows:
            self.clusters_seen[ref] = cluster
        return [(k, (ref, cluster, text)) for k, ref, cluster, text in rows]


def _within_batch(new: Sequence[_New]) -> list[tuple[int, int, float]]:
    """Pairs (earlier, later, similarity) of new passages of different notices of the batch."""
    first_by_key: dict[int, int] = {}
    first_by_band: dict[int, list[int]] = {}
    pairs: list[tuple[int, int, float]] = []
    for k, n in enumerate(new):
        earlier = first_by_key.get(n.sig.text_key)
        if earlier is not None and new[earlier].notice_id != n.notice_id:
            pairs.append((earlier, k, 1.0))
            continue
        first_by_key.setdefault(n.sig.text_key, k)
        tried: set[int] = set()
        for key in n.sig.band_keys:
            for other in first_by_band.get(key, ()):
                if other in tried or new[other].notice_id == n.notice_id:
                    continue
                tried.add(other)
                similarity = confirm_shared(
                    new[other].text, (0, len(new[other].text)), n.text, (0, len(n.text))
                )
                if similarity is not None:
                    pairs.append((other, k, similarity))
                    break
            else:
                continue
            break
        for key in n.sig.band_keys:
            bucket = first_by_band.setdefault(key, [])
            if len(bucket) < MAX_PARTNERS:
                bucket.append(k)
    return pairs


def _groups(
    new: Sequence[_New],
    partners: dict[int, list[tuple[str, str | None]]],
    within: Sequence[tuple[int, int, float]],
) -> dict[str, list[str]]:
    """Clusters after this batch: target cluster id -> member refs and merged cluster ids.

    Nodes are passage refs and existing cluster ids; a cluster keeps its (smallest) existing
    id, so stored passages already in it need no update unless two clusters merge.
    """
    edges: list[tuple[str, str]] = []
    for k, found in partners.items():
        for ref, cluster in found:
            edges.append((new[k].ref, ref))
            if cluster is not None:
                edges.append((ref, f"cluster={cluster}"))
    edges += [(new[a].ref, new[b].ref) for a, b, _ in within]
    out: dict[str, list[str]] = {}
    for group in clusters(edges):
        names = [str(x) for x in group]
        existing = sorted(x.removeprefix("cluster=") for x in names if x.startswith("cluster="))
        refs = [x for x in names if not x.startswith("cluster=")]
        target = existing[0] if existing else min(refs)
        out[target] = refs + [f"cluster={c}" for c in existing]
    return out


def _merge_stored(
    con: duckdb.DuckDBPyConnection, groups: dict[str, list[str]], seen: dict[str, str | None]
) -> None:
    """Point stored passages at their new cluster: singletons that joined, clusters that merged."""
    rows: list[dict[str, str | int | None]] = []
    for target, names in groups.items():
        for name in names:
            if name.startswith("cluster="):
                old = name.removeprefix("cluster=")
                if old != target:
                    rows.append(
                        {
                            "old_cluster": old,
                            "notice_id": None,
                            "passage_id": None,
                            "target": target,
                        }
                    )
            elif name in seen and seen[name] is None:
                notice_id, passage_id = _split(name)
                rows.append(
                    {
                        "old_cluster": None,
                        "notice_id": notice_id,
                        "passage_id": passage_id,
                        "target": target,
                    }
                )
    if not rows:
        return
    schema = pa.schema(
        [
            ("old_cluster", pa.string()),
            ("notice_id", pa.string()),
            ("passage_id", pa.int32()),
            ("target", pa.string()),
        ]
    )
    with registered(con, "_xuncha_merge", pa.Table.from_pylist(rows, schema=schema)):
        con.execute(
            "UPDATE passages SET cluster_id = m.target FROM _xuncha_merge m "
            "WHERE m.old_cluster IS NOT NULL AND passages.cluster_id = m.old_cluster"
        )
        # joined on the key columns, not on a concatenated ref computed for every stored row
        con.execute(
            "UPDATE passages SET cluster_id = m.target FROM _xuncha_merge m "
            "WHERE m.notice_id IS NOT NULL AND passages.notice_id = m.notice_id "
            "AND passages.passage_id = m.passage_id"
        )
        con.execute(
            "DELETE FROM shared_clusters USING _xuncha_merge m "
            "WHERE shared_clusters.cluster_id = m.old_cluster"
        )


def _relabel(
    con: duckdb.DuckDBPyConnection,
    groups: dict[str, list[str]],
    texts: dict[str, str],
    now: datetime,
) -> None:
    """(Re)label every cluster the batch touched, from a bounded sample of its notices.

    Hash aggregates over the touched clusters' members (distinct notices, then the first
    notice per issuer and unit), not window sorts over every member row: same rows, about 7x
    faster on a 10k store whose boilerplate clusters hold 60k passages each. The work still
    grows with the touched clusters' sizes (a stock sentence's cluster holds every notice),
    see the README's store section.
    """
    if not groups:
        return
    targets = list(groups)
    rows = con.execute(
        f"""
        WITH m AS (
            SELECT DISTINCT p.cluster_id, p.notice_id
            FROM passages p
            SEMI JOIN (SELECT unnest($targets) AS cluster_id) t USING (cluster_id)
        ),
        c AS (SELECT cluster_id, count(*) AS notices FROM m GROUP BY ALL),
        g AS (  -- the first notice of each (issuer, unit) pair; a notice without a unit alone
            SELECT m.cluster_id, min(m.notice_id) AS notice_id, n.issuer,
                   arg_min(n.inspected_unit, m.notice_id) AS inspected_unit
            FROM m JOIN notices n USING (notice_id)
            GROUP BY m.cluster_id, n.issuer, coalesce(n.inspected_unit, m.notice_id)
        )
        SELECT g.cluster_id, g.notice_id, g.issuer, g.inspected_unit, c.notices
        FROM g JOIN c USING (cluster_id)
        QUALIFY row_number() OVER (PARTITION BY g.cluster_id ORDER BY g.notice_id)
            <= {MAX_LABEL_MEMBERS}
        ORDER BY g.cluster_id, g.notice_id
        """,
        {"targets": targets},
    ).fetchall()
    members: dict[str, list[ClusterMember]] = {}
    counts: dict[str, int] = {}
    for cluster_id, notice_id, issuer, unit, notices in rows:
        members.setdefault(cluster_id, []).append(ClusterMember(notice_id, issuer, unit))
        counts[cluster_id] = notices
    con.execute(
        "DELETE FROM shared_clusters WHERE list_contains($targets, cluster_id)",
        {"targets": targets},
    )
    labelled = []
    for target in targets:
        if target not in members:
            continue
        # every group holds a passage of this batch (groups are built from its links)
        text = next(texts[r] for r in groups[target] if r in texts)
        labelled.append(
            {
                "cluster_id": target,
                "label": label_cluster(text, members[target]),
                "notices": counts[target],
                "labelled_at": now,
            }
        )
    _insert(con, "shared_clusters", labelled)


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]]) -> None:
    if rows:
        insert_by_name(con, table, pa.Table.from_pylist(rows))
