"""Passages shared between notices: found, confirmed and clustered as notices are written.

Each notice's units of text come with a digit-masked text key and MinHash LSH band keys
(:func:`extract.audit.shared.passage_signatures`). The notices of a batch are linked one after
the other, each against the store and the batch's earlier notices, so a batch gives exactly
the rows the same notices would give written one per batch (tests/test_passages_incremental.py
checks one batch, one batch per notice and random splits). For each passage of a notice:

1. if a stored or earlier passage has its text key (same normalised text, up to its figures),
   it is a copy: it links to that key's representative (``passage_keys``: the first passage
   written with the key) and joins its cluster, without any text comparison;
2. otherwise it looks up passages sharing an LSH band (only passages that matched nothing when
   written keep band keys, in ``passage_bands``); the :data:`MAX_PARTNERS` sharing most bands
   are confirmed by exact Jaccard (LSH also returns pairs below the threshold, datasketch#105);
3. a passage with no confirmed partner keeps its band keys; the first passage with a text key
   becomes its representative;
4. a notice's confirmed pairs join their clusters (``passages.cluster_id``, an incremental
   union-find kept in the table): a group keeps its smallest existing cluster id, a new group
   takes its smallest member ref; a merged-away cluster keeps its members' ids and gets one
   ``cluster_moves`` row naming its target, which every look-up and the view
   ``v_passage_clusters`` resolve; every cluster the batch touched is labelled boilerplate or
   copied measure (:func:`extract.audit.shared.label_cluster`) in ``shared_clusters``, from
   the text of the last joining notice's passage and the distinct units and issuers of all
   its notices (the smallest :data:`MAX_LABEL_MEMBERS` of each: the rules need two units and
   ``boilerplate_min_issuers`` issuers, so the cap never changes a label).

Why it stays cheap as the store grows: every look-up is keyed on the new passages (their text
keys in ``passage_keys``, which also holds each representative's cluster; their band keys; the
candidates' texts and clusters in ``passage_texts``; the clusters they join), and what a label
needs is kept per cluster as notices join (``shared_clusters.notices``; ``cluster_inputs``: the
distinct units and issuers), so a stock sentence whose cluster holds every notice costs one row
to update, not one per notice, and a merge writes one row per merged-away cluster, not one per
member. Two things still read more than the batch: clusters merging, or a stored singleton
joining a stored cluster, count the merged cluster's distinct notices (a notice may be in both
parts; one scan of the cluster and notice columns of ``passages``, about 20-50 ms at 10k
notices); deleting a notice recounts its clusters from their members (:func:`forget_notices`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

import duckdb
import numpy as np

from extract.audit.config import load_config
from extract.audit.shared import (
    ClusterMember,
    PassageSignature,
    SignatureTable,
    confirmed_similarity,
    label_cluster,
)
from extract.audit.units import exact_key, masked_key, ngrams
from extract.store.arrowio import (
    Schema,
    column_names,
    columns_of,
    insert_rows,
    insert_table_columns,
    registered_columns,
)

MAX_PARTNERS = 3  # confirmed partners needed to join a cluster: one; a few guard against noise
MAX_LABEL_MEMBERS = 64  # distinct units and issuers kept per cluster for its label

_CLUSTER = "cluster="  # prefix of a cluster node in the union-find, beside passage refs

# A stored row's cluster now: members keep the id they were written with, and a merged-away id
# has one ``cluster_moves`` row naming its target (migration 007; the view v_passage_clusters
# is the same join). Format with the alias of the table holding ``cluster_id``.
_MOVES = "LEFT JOIN cluster_moves m_ ON m_.cluster_id = {0}.cluster_id"
_RESOLVED = "coalesce(m_.target, {0}.cluster_id)"


def _stored_ids(param: str) -> str:
    """SQL for the stored cluster ids of the clusters ``$param`` names: theirs and merged ones.

    A filter ``cluster_id IN`` this finds a cluster's members without resolving every row.
    """
    ids = f"(SELECT unnest(${param}::VARCHAR[]))"
    merged = f"SELECT cluster_id FROM cluster_moves WHERE target IN {ids}"
    return f"(SELECT * FROM {ids} UNION ALL {merged})"


@dataclass(frozen=True, slots=True)
class _New:
    notice_id: str
    passage_id: int
    start: int  # its signature's offsets in the notice's text
    end: int
    text_key: int
    text: str
    ref: str  # "<notice_id>:<passage_id>", the name of a passage in cluster ids and links
    key: str  # the masked key its n-grams are taken from (PassageSignature.key)
    bands: tuple[int, ...]  # its distinct band keys, in signature order (none: a stored copy)


@dataclass(frozen=True, slots=True)
class _Hit:
    """A stored passage met by a look-up: its ref, its cluster then, and (band hits) its text."""

    ref: str
    cluster: str | None
    notice_id: str
    passage_id: int
    bands: int = 0
    key: str = ""  # its masked key (band hits), from passage_texts


@dataclass(slots=True)
class _Touched:
    """What the batch did to one cluster (under its final id)."""

    bases: set[str] = field(default_factory=set)  # stored clusters it holds
    notices: set[str] = field(default_factory=set)  # notices whose passages joined it
    stored_notices: set[str] = field(default_factory=set)  # of stored singletons that joined
    text: str = ""  # the first passage in it of the last notice that touched it: the label's


class _Grams:
    """Exact n-gram sets of passages' masked keys, computed once per key per batch.

    :func:`extract.audit.shared.confirm_shared` normalises both texts on every call. Here the
    keys come ready: the analysis computed each new passage's (``PassageSignature.key``, in a
    pool worker) and ``passage_texts.masked_key`` keeps the stored candidates'. Deriving them
    in the writer, with regex passes over every candidate, was most of a fresh ingest's writer
    time (19 of 52 s for 1,000 generated notices). Same keys and n-grams as
    :func:`confirm_shared`, so the same similarities.
    """

    def __init__(self) -> None:
        self.config = load_config()
        self._cache: dict[str, frozenset[str]] = {}

    def key_of(self, text: str) -> str:
        """The masked key of a passage text: for a signature or stored row without one."""
        return masked_key(exact_key(text, self.config))

    def of(self, key: str) -> frozenset[str]:
        grams = self._cache.get(key)
        if grams is None:
            grams = self._cache[key] = ngrams(key, self.config.cross_ngram)  # "" has none
        return grams

    def similarity(self, a: str, b: str) -> float | None:
        """Jaccard of two masked keys' n-grams if it reaches the confirm threshold."""
        ga, gb = self.of(a), self.of(b)
        if not ga or not gb:
            return None
        return confirmed_similarity(ga, gb, self.config)


class _UnionFind:
    """Cluster ids renamed by merges during a batch: ``find`` gives the current id."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, cid: str) -> str:
        root = cid
        while root in self.parent:
            root = self.parent[root]
        while cid != root:
            self.parent[cid], cid = root, self.parent[cid]
        return root


def store_passages(
    con: duckdb.DuckDBPyConnection,
    notices: Sequence[tuple[str, str, Sequence[PassageSignature]]],
    now: datetime,
) -> int:
    """Insert the passages of ``(notice_id, text, signatures)`` and link them; returns links.

    Runs inside the caller's transaction, after the notices' rows are inserted (labels read
    their issuer and inspected unit) and after any replaced notice was deleted
    (:func:`forget_notices`).
    """
    grams = _Grams()
    # the signatures column-wise (a SignatureTable from the analysis): no object per passage
    tables = [(nid, text, SignatureTable.of(sigs)) for nid, text, sigs in notices]
    text_keys = [t.text_keys.tolist() for _, _, t in tables]
    keys = sorted(set(chain.from_iterable(text_keys)))
    if not keys:
        return 0
    exact = _by_text_key(con, keys)
    new: list[_New] = []
    for (nid, text, table), tks in zip(tables, text_keys, strict=True):
        starts, ends = table.starts.tolist(), table.ends.tolist()
        bands = table.band_rows()
        rows = zip(starts, ends, tks, table.keys, bands, strict=True)
        for i, (start, end, tk, key, row) in enumerate(rows, start=1):
            part = text[start:end]
            new.append(
                _New(
                    nid,
                    i,
                    start,
                    end,
                    tk,
                    part,
                    f"{nid}:{i}",
                    key or grams.key_of(part),
                    # a stored copy links without bands: most passages at scale (74% at 10k)
                    () if tk in exact else tuple(dict.fromkeys(row)),
                )
            )
    band_hits = _by_bands(con, new, _pending(new, exact), grams)
    linker = _Linker(new, exact, band_hits, grams)
    linker.run()
    _write(con, linker, now)
    return len(linker.links)


def _by_text_key(con: duckdb.DuckDBPyConnection, keys: list[int]) -> dict[int, _Hit]:
    """The representative of each text key that has one, with its cluster.

    ``passage_keys`` keeps the representative's cluster beside it (updated with the passage's)
    so the look-up reads that small table only: a join with ``passages`` to find the cluster
    scanned every stored passage, 50 ms a batch at 10k notices and ten times that at 100k.
    """
    schema: Schema = (("text_key", "BIGINT"),)
    with registered_columns(con, "_xuncha_keys", {"text_key": keys}, schema):
        rows = con.execute(
            f"SELECT k.text_key, k.notice_id, k.passage_id, {_RESOLVED.format('k')} "
            "FROM (SELECT * FROM passage_keys SEMI JOIN _xuncha_keys USING (text_key)) k "
            f"{_MOVES.format('k')}"
        ).fetchall()
    return {key: _Hit(f"{nid}:{pid}", cluster, nid, pid) for key, nid, pid, cluster in rows}


def _pending(new: Sequence[_New], exact: dict[int, _Hit]) -> list[int]:
    """The new passages whose partners may come from band keys: the others link by text key.

    A passage links by key to its key's stored representative (``exact``), or else to the first
    passage with its key in an earlier notice of the batch (:meth:`_Linker._link`), and then
    never reads its band hits. Leaving those out of the band probe changes no row; on 1,000
    generated notices it is 8,051 of 108,303 probed passages.
    """
    first: dict[int, str] = {}  # text key -> the first notice of the batch holding it
    out = []
    for k, n in enumerate(new):
        key = n.text_key
        if key not in exact and first.setdefault(key, n.notice_id) == n.notice_id:
            out.append(k)
    return out


def _by_bands(
    con: duckdb.DuckDBPyConnection, new: Sequence[_New], pending: Sequence[int], grams: _Grams
) -> dict[int, list[_Hit]]:
    """The :data:`MAX_PARTNERS` stored passages sharing most bands with each pending passage.

    Ties go to the smallest (notice id, passage id), as :class:`_Linker` ranks batch passages.
    ``min_by(…, 3)`` on that order picks them: 90 ms against 110 ms for a window's row_number
    on a batch of 64 generated notices probing a 1k store (166k probe rows), the same hits.
    Most pairs share one band by chance (399k of 495k in a captured batch), and ranking them by
    a struct key was most of the query; so each passage's pairs are first cut below the band
    count of its third best (a plain ``max(bands, 3)``), which cannot drop one of its first few:
    0.23-0.26 s -> 0.16 s on that batch, 0.07 -> 0.044 s on a later one, the same rows.
    The candidates' texts and clusters come from ``passage_texts`` (kept for every passage that
    keeps band keys): cutting the texts out of ``notices.text`` read whole notices (DuckDB's
    substring walks the UTF-8 from the start: 39 s a batch on a 600-notice store), and a join
    with ``passages`` for the cluster scanned every stored passage (0.25 s at 100k notices).
    """
    probe = _band_probe(new, pending)
    if len(probe["k"]) == 0:
        return {}
    with registered_columns(con, "_xuncha_bands", probe, _PROBE):
        rows = con.execute(
            f"""
            WITH shared AS MATERIALIZED (
                SELECT n.k, b.notice_id, b.passage_id, count(*) AS bands
                FROM _xuncha_bands n JOIN passage_bands b USING (band_key)
                GROUP BY n.k, b.notice_id, b.passage_id
            ),
            cut AS (  -- the fewest shared bands a passage's first few can have
                SELECT k, list_min(max(bands, {MAX_PARTNERS})) AS least FROM shared GROUP BY k
            ),
            strong AS (
                SELECT s.* FROM shared s JOIN cut USING (k) WHERE s.bands >= cut.least
            ),
            top AS (  -- the first few by (bands DESC, notice_id, passage_id), per passage
                SELECT k, unnest(min_by(
                    {{'notice_id': notice_id, 'passage_id': passage_id, 'bands': bands}},
                    {{'b': -bands, 'n': notice_id, 'p': passage_id}}, {MAX_PARTNERS})) AS h
                FROM strong GROUP BY k
            ),
            hits AS (SELECT k, h.notice_id, h.passage_id, h.bands FROM top)
            SELECT h.k, h.notice_id, h.passage_id, h.bands, {_RESOLVED.format("t")},
                   t.masked_key, CASE WHEN t.masked_key IS NULL THEN t.text END
            FROM hits h JOIN passage_texts t USING (notice_id, passage_id) {_MOVES.format("t")}
            """
        ).fetchall()
    out: dict[int, list[_Hit]] = {}
    for k, nid, pid, shared, cluster, key, text in rows:  # text only for a row without a key
        key = key if key is not None else grams.key_of(text)
        hit = _Hit(f"{nid}:{pid}", cluster, nid, pid, shared, key)
        out.setdefault(k, []).append(hit)
    return out


_PROBE: Schema = (("band_key", "BIGINT"), ("k", "BIGINT"))


def _band_probe(new: Sequence[_New], pending: Sequence[int]) -> dict[str, np.ndarray]:
    """``(band_key, k)``: each pending passage's distinct band keys, built in numpy.

    A batch of 64 generated notices probes with about 200,000 rows; building them as Python
    tuples took as long as the join itself. Keys are the distinct ones (``_New.bands``), so
    ``count(*)`` in the join counts shared keys, never one key twice.
    """
    rows = [new[k].bands for k in pending]
    width = len(rows[0]) if rows else 0
    if width and all(len(r) == width for r in rows):  # one key per band: the usual case
        keys = np.array(rows, dtype=np.int64).ravel()
        owner = np.repeat(np.asarray(pending, dtype=np.int64), width)
        return {"band_key": keys, "k": owner}
    pairs = [(key, k) for k in pending for key in new[k].bands]
    return {
        "band_key": np.array([b for b, _ in pairs], dtype=np.int64),
        "k": np.array([k for _, k in pairs], dtype=np.int64),
    }


class _Linker:
    """Links a batch's notices one after the other, in memory, against the stored hits.

    What notice ``i`` sees is the store plus notices ``0..i-1`` of the batch, exactly what it
    would see written in its own batch: stored hits come from queries made before the batch
    (the store does not change while it is linked), the batch's earlier passages from the
    maps below.
    """

    def __init__(
        self,
        new: Sequence[_New],
        exact: dict[int, _Hit],
        band_hits: dict[int, list[_Hit]],
        grams: _Grams,
    ) -> None:
        self.new = new
        self.exact = exact
        self.band_hits = band_hits
        self.grams = grams
        self.links: list[tuple[str, int, str, int, float]] = []
        self.cluster_of: dict[str, str | None] = {}  # ref met -> its cluster when met
        for hit in exact.values():
            self.cluster_of[hit.ref] = hit.cluster
        for hits in band_hits.values():
            for hit in hits:
                self.cluster_of[hit.ref] = hit.cluster
        self.stored_refs = set(self.cluster_of)
        self.joined: set[str] = set()  # stored singletons that joined a cluster
        self.uf = _UnionFind()
        self.touched: dict[str, _Touched] = {}  # by cluster id (resolve through uf)
        self.new_keys: dict[int, int] = {}  # text key -> first new passage with it
        self.new_bands: dict[int, list[int]] = {}  # band key -> new passages keeping bands
        self.keeps_bands: list[bool] = [False] * len(new)
        self.partners: list[list[str]] = [[] for _ in new]

    def run(self) -> None:
        start = 0
        for i in range(1, len(self.new) + 1):
            if i == len(self.new) or self.new[i].notice_id != self.new[start].notice_id:
                self._notice(range(start, i))
                start = i

    def _notice(self, ks: range) -> None:
        for k in ks:
            self._link(k)
        for k in ks:
            n = self.new[k]
            if n.text_key not in self.exact:
                self.new_keys.setdefault(n.text_key, k)
            if not self.partners[k]:
                self.keeps_bands[k] = True
                for key in n.bands:
                    self.new_bands.setdefault(key, []).append(k)
        self._join(ks)

    def _link(self, k: int) -> None:
        n = self.new[k]
        hit = self.exact.get(n.text_key)
        if hit is not None:
            self._add(n, k, hit.ref, hit.notice_id, hit.passage_id, 1.0)
            return
        earlier = self.new_keys.get(n.text_key)
        if earlier is not None:
            e = self.new[earlier]
            self._add(n, k, e.ref, e.notice_id, e.passage_id, 1.0)
            return
        # (-bands, notice id, passage id, ref, key): the stored top few and the batch's own
        ranked = [
            (-h.bands, h.notice_id, h.passage_id, h.ref, h.key) for h in self.band_hits.get(k, ())
        ]
        # shared band keys per earlier batch passage, counted in C (a Python loop over the
        # bands and their passages was a third of the linker's time)
        counts = Counter(chain.from_iterable(filter(None, map(self.new_bands.get, n.bands))))
        for other, shared in counts.items():
            o = self.new[other]
            ranked.append((-shared, o.notice_id, o.passage_id, o.ref, o.key))
        ranked.sort()
        for _, nid, pid, ref, key in ranked[:MAX_PARTNERS]:
            similarity = self.grams.similarity(n.key, key)
            if similarity is not None:
                self._add(n, k, ref, nid, pid, similarity)

    def _add(self, n: _New, k: int, ref: str, nid: str, pid: int, similarity: float) -> None:
        self.partners[k].append(ref)
        self.links.append((n.notice_id, n.passage_id, nid, pid, similarity))

    def _join(self, ks: range) -> None:
        """Union this notice's passages with their partners and the partners' clusters.

        A group keeps the smallest cluster id among those it joins (stored members need no
        update unless two clusters merge), or takes its smallest member ref. A partner that
        has a cluster stands for it: the passage is joined to the cluster directly (the
        partner is in it already, and only passages without a cluster take the group's).
        Inlined union-find on refs and ``cluster=`` names: the generic
        :func:`extract.audit.shared.clusters` was 40% of the linker's time at 10k notices.
        """
        parent: dict[str, str] = {}

        def root(x: str) -> str:
            r = parent.setdefault(x, x)
            if r == x:
                return x
            while True:
                up = parent[r]
                if up == r:
                    break
                r = up
            while x != r:  # path compression
                parent[x], x = r, parent[x]
            return r

        cluster_of, find = self.cluster_of, self.uf.find
        for k in ks:
            partners = self.partners[k]
            if not partners:
                continue
            a = root(self.new[k].ref)
            for ref in partners:
                cluster = cluster_of.get(ref)
                b = root(ref if cluster is None else _CLUSTER + find(cluster))
                if a != b:
                    parent[b] = a
        if not parent:
            return
        groups: dict[str, list[str]] = {}
        for x in parent:
            groups.setdefault(root(x), []).append(x)
        own = {self.new[k].ref: k for k in ks}  # this notice's passages
        for names in groups.values():
            existing = sorted(x.removeprefix(_CLUSTER) for x in names if x.startswith(_CLUSTER))
            refs = [x for x in names if not x.startswith(_CLUSTER)]
            target = existing[0] if existing else min(refs)
            state = _Touched()
            for cid in existing:
                part = self.touched.pop(cid, None)
                if part is None:  # a stored cluster the batch had not touched yet
                    part = _Touched(bases={cid})
                state.bases |= part.bases
                state.notices |= part.notices
                state.stored_notices |= part.stored_notices
                if cid != target:
                    self.uf.parent[cid] = target
            for ref in refs:
                if cluster_of.get(ref) is None:
                    nid = ref.rsplit(":", 1)[0]
                    if ref in self.stored_refs:  # a stored singleton joins
                        self.joined.add(ref)
                        state.stored_notices.add(nid)
                    state.notices.add(nid)
                    cluster_of[ref] = target
            state.text = self.new[min(own[r] for r in refs if r in own)].text
            self.touched[target] = state

    def final_cluster(self, ref: str) -> str | None:
        cluster = self.cluster_of.get(ref)
        return None if cluster is None else self.uf.find(cluster)


def _split(ref: str) -> tuple[str, int]:
    notice_id, passage_id = ref.rsplit(":", 1)
    return notice_id, int(passage_id)


def _write(con: duckdb.DuckDBPyConnection, linker: _Linker, now: datetime) -> None:
    """Store what :class:`_Linker` decided: rows, cluster moves, per-key and per-cluster state."""
    new = linker.new
    counted, unheld = _count_notices(con, linker)  # before the batch's rows: see its docstring
    final = [linker.final_cluster(n.ref) for n in new]
    kept_at = [k for k in range(len(new)) if linker.keeps_bands[k]]
    kept = [new[k] for k in kept_at]
    # column-wise, every table (a dict per row cost as much as the insert for the largest);
    # passage_bands' columns repeat each kept passage once per band key
    insert_table_columns(
        con,
        "passages",
        {
            "notice_id": [n.notice_id for n in new],
            "passage_id": [n.passage_id for n in new],
            "start_offset": [n.start for n in new],
            "end_offset": [n.end for n in new],
            "text_key": [n.text_key for n in new],
            "cluster_id": final,
        },
    )
    insert_table_columns(
        con,
        "passage_bands",
        {
            "band_key": [key for n in kept for key in n.bands],
            "notice_id": [n.notice_id for n in kept for _ in n.bands],
            "passage_id": [n.passage_id for n in kept for _ in n.bands],
        },
    )
    insert_table_columns(
        con,
        "passage_texts",
        {
            "notice_id": [n.notice_id for n in kept],
            "passage_id": [n.passage_id for n in kept],
            "text": [n.text for n in kept],
            "cluster_id": [final[k] for k in kept_at],
            "masked_key": [n.key for n in kept],
        },
    )
    firsts = list(linker.new_keys.values())
    insert_table_columns(
        con,
        "passage_keys",
        {
            "text_key": list(linker.new_keys),
            "notice_id": [new[k].notice_id for k in firsts],
            "passage_id": [new[k].passage_id for k in firsts],
            "cluster_id": [final[k] for k in firsts],
        },
    )
    links = linker.links
    insert_table_columns(
        con,
        "passage_links",
        {
            name: [link[i] for link in links]
            for i, name in enumerate(
                ("notice_id", "passage_id", "other_notice_id", "other_passage_id", "similarity")
            )
        },
    )
    merged = sorted(
        {c for state in linker.touched.values() for c in state.bases} - set(linker.touched)
    )
    _move_stored(con, linker, merged, unheld)
    _label(con, linker, merged, counted, now)


def _move_stored(
    con: duckdb.DuckDBPyConnection, linker: _Linker, merged: list[str], unheld: set[str]
) -> None:
    """Point stored singletons that joined at their cluster, and record the clusters merged.

    A singleton's rows are updated (``passage_keys`` and ``passage_texts`` keep the same
    cluster ids as ``passages``: a stored singleton is the one passage with its text key, so it
    is its key's representative; it may keep band keys). A merged cluster's members are not:
    repointing them scanned ``passages`` and rewrote its column segments all over the table
    (0.3 s and 0.5 s of a one-notice ingest into 100k notices). A merged id in ``unheld`` gets
    no move: a cluster keeps its id after the passages holding it are deleted, its members then
    all hold ids merged into it earlier, and a move naming no member could capture a later
    cluster of that name (ids are member refs, and a deleted notice can come back).
    """
    rows = [
        {"notice_id": nid, "passage_id": pid, "target": linker.final_cluster(ref)}
        for ref in sorted(linker.joined)
        for nid, pid in [_split(ref)]
    ]
    if rows:
        schema: Schema = (
            ("notice_id", "VARCHAR"),
            ("passage_id", "INTEGER"),
            ("target", "VARCHAR"),
        )
        with registered_columns(
            con, "_xuncha_joined", columns_of(rows, column_names(schema)), schema
        ):
            # joined on the key columns, not on a concatenated ref computed for every row
            for table in ("passages", "passage_keys", "passage_texts"):
                con.execute(
                    f"UPDATE {table} SET cluster_id = m.target FROM _xuncha_joined m "
                    f"WHERE {table}.notice_id = m.notice_id AND {table}.passage_id = m.passage_id"
                )
    if merged:
        # Members keep their ids: the merge is recorded, never repointed row by row (a stock
        # sentence's cluster has a member in every notice). Ids already merged into a cluster
        # that merges now follow it, so a target is never itself moved.
        moves = {"old": merged, "target": [linker.uf.find(c) for c in merged]}
        schema = (("old", "VARCHAR"), ("target", "VARCHAR"))
        with registered_columns(con, "_xuncha_merge", moves, schema):
            con.execute(
                "UPDATE cluster_moves SET target = x.target FROM _xuncha_merge x "
                "WHERE cluster_moves.target = x.old"
            )
            con.execute(
                "INSERT INTO cluster_moves SELECT old, target FROM _xuncha_merge "
                "WHERE old NOT IN (SELECT unnest($unheld::VARCHAR[]))",
                {"unheld": sorted(unheld)},
            )


def _label(
    con: duckdb.DuckDBPyConnection,
    linker: _Linker,
    merged: list[str],
    counted: dict[str, int],
    now: datetime,
) -> None:
    """Rewrite the ``shared_clusters`` and ``cluster_inputs`` rows of every touched cluster.

    A cluster's notice count is its stored count plus the batch's notices that joined it
    (they are new, so none is counted twice) unless clusters merged or a stored singleton
    joined a stored cluster: then one notice may be in both, and ``counted`` holds the count
    (:func:`_count_notices`). Its units and issuers are the union of its parts' lists and the
    joining notices' own, whatever happened.
    """
    touched = linker.touched
    if not touched:
        return
    bases = sorted({c for state in touched.values() for c in state.bases})
    stored_count: dict[str, int] = {}
    stored_inputs: dict[str, tuple[list[str], list[str]]] = {}
    if bases:
        for cid, count in con.execute(
            "SELECT cluster_id, notices FROM shared_clusters WHERE cluster_id IN "
            "(SELECT unnest($ids::VARCHAR[]))",
            {"ids": bases},
        ).fetchall():
            stored_count[cid] = int(count)
        for cid, units, issuers in con.execute(
            "SELECT cluster_id, units, issuers FROM cluster_inputs WHERE cluster_id IN "
            "(SELECT unnest($ids::VARCHAR[]))",
            {"ids": bases},
        ).fetchall():
            stored_inputs[cid] = (list(units), list(issuers))
    missing = sorted(
        cid
        for cid, state in touched.items()
        if any(b not in stored_count or b not in stored_inputs for b in state.bases)
    )
    full = _count_members(con, missing)
    joined = sorted({nid for state in touched.values() for nid in state.notices})
    keys = _member_keys(con, joined)
    labelled: list[dict[str, object]] = []
    inputs: list[dict[str, object]] = []
    for cid in sorted(touched):
        state = touched[cid]
        if cid in full:  # a stored cluster without its rows (a store written by hand)
            notices, units, issuers = full[cid]
        else:
            # the smallest distinct keys of a union are among the smallest of each part
            units, issuers = set(), set()
            for b in state.bases:
                units.update(stored_inputs[b][0])
                issuers.update(stored_inputs[b][1])
            for nid in state.notices:
                unit, issuer = keys[nid]
                units.add(unit)
                issuers.add(issuer)
            notices = counted.get(cid) or (
                sum(stored_count[b] for b in state.bases) + len(state.notices)
            )
        unit_list = sorted(units)[:MAX_LABEL_MEMBERS]
        issuer_list = sorted(issuers)[:MAX_LABEL_MEMBERS]
        labelled.append(
            {
                "cluster_id": cid,
                "label": label_cluster(state.text, _members(unit_list, issuer_list)),
                "notices": notices,
                "labelled_at": now,
            }
        )
        inputs.append({"cluster_id": cid, "units": unit_list, "issuers": issuer_list})
    gone = sorted(set(touched) | set(merged))
    for table in ("shared_clusters", "cluster_inputs"):
        con.execute(
            f"DELETE FROM {table} WHERE cluster_id IN (SELECT unnest($ids::VARCHAR[]))",
            {"ids": gone},
        )
    insert_rows(con, "shared_clusters", labelled)
    insert_rows(con, "cluster_inputs", inputs)


def _members(units: Sequence[str], issuers: Sequence[str]) -> list[ClusterMember]:
    """Members whose distinct units and issuers are ``units`` and ``issuers`` (never empty).

    :func:`extract.audit.shared.label_cluster` reads only the sets of units and issuers (a
    notice without one counting as ``notice:<id>``, which the keys already are).
    """
    size = max(len(units), len(issuers))
    return [
        ClusterMember("", issuers[min(i, len(issuers) - 1)], units[min(i, len(units) - 1)])
        for i in range(size)
    ]


def _unit_key(notice_id: str, unit: str | None) -> str:
    return unit or f"notice:{notice_id}"


def _member_keys(
    con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str]
) -> dict[str, tuple[str, str]]:
    """``notice_id -> (unit key, issuer key)`` of these notices."""
    if not notice_ids:
        return {}
    rows = con.execute(
        "SELECT notice_id, inspected_unit, issuer FROM notices "
        "WHERE notice_id IN (SELECT unnest($ids::VARCHAR[]))",
        {"ids": list(notice_ids)},
    ).fetchall()
    return {nid: (_unit_key(nid, unit), _unit_key(nid, issuer)) for nid, unit, issuer in rows}


def _count_notices(
    con: duckdb.DuckDBPyConnection, linker: _Linker
) -> tuple[dict[str, int], set[str]]:
    """Distinct notices of the touched clusters whose parts may share a notice, and the parts'
    own ids that no stored passage holds (see :func:`_move_stored`).

    When stored clusters merge, or a stored singleton joins a stored cluster, one stored
    notice may be in two parts, so the sum of the parts' counts could count it twice: those
    clusters' stored notices are counted over the parts' members, plus the batch's new
    notices (never stored before). One hash join of ``passages``' cluster column with the
    parts (0.1 s at 100k notices); it runs before the batch writes anything, since scanning
    rows the transaction has just updated (a merge moves thousands) is many times slower.
    Units and issuers never need it: a union of capped key lists is exact.
    """
    bases: list[tuple[str, str]] = []
    extra: list[tuple[str, str]] = []
    new_notices: dict[str, int] = {}
    for cid, state in linker.touched.items():
        if len(state.bases) > 1 or (state.bases and state.stored_notices):
            bases += [(b, cid) for b in state.bases]
            extra += [(nid, cid) for nid in state.stored_notices]
            new_notices[cid] = len(state.notices - state.stored_notices)
    if not bases:
        return {}, set()
    schema = (("key", "VARCHAR"), ("target", "VARCHAR"))
    parts = {"key": [k for k, _ in bases], "target": [t for _, t in bases]}
    singles = {"key": [k for k, _ in extra], "target": [t for _, t in extra]}
    with (
        registered_columns(con, "_xuncha_parts", parts, schema),
        registered_columns(con, "_xuncha_singles", singles, schema),
    ):
        rows = con.execute(
            """
            WITH parts AS (  -- each part's stored ids: its own and those merged into it
                SELECT key, target FROM _xuncha_parts
                UNION ALL
                SELECT c.cluster_id, x.target
                FROM cluster_moves c JOIN _xuncha_parts x ON c.target = x.key
            ),
            members AS MATERIALIZED (  -- the one scan of passages
                SELECT p.notice_id, p.cluster_id AS base, m.target
                FROM passages p JOIN parts m ON p.cluster_id = m.key
            )
            SELECT target, count(DISTINCT notice_id) FROM (
                SELECT notice_id, target FROM members
                UNION ALL
                SELECT key AS notice_id, target FROM _xuncha_singles
            ) GROUP BY target
            UNION ALL  -- a part's own id that no member holds: its count is NULL
            SELECT key, NULL FROM _xuncha_parts WHERE key NOT IN (SELECT base FROM members)
            """
        ).fetchall()
    counted = {cid: int(n) + new_notices[cid] for cid, n in rows if n is not None}
    return counted, {cid for cid, n in rows if n is None}


def _count_members(
    con: duckdb.DuckDBPyConnection, cluster_ids: Sequence[str], without: Sequence[str] = ()
) -> dict[str, tuple[int, set[str], set[str]]]:
    """Notices, units and issuers of these clusters, read from their members.

    The slow path (a scan of ``passages`` joined with ``notices``): deletions need it, and a
    cluster without its ``cluster_inputs`` row. ``without``: notices about to be deleted.
    """
    if not cluster_ids:
        return {}
    rows = con.execute(
        f"""
        SELECT {_RESOLVED.format("p")}, count(DISTINCT p.notice_id),
               list_slice(list_sort(list_distinct(list(
                   coalesce(n.inspected_unit, 'notice:' || p.notice_id)))), 1, {MAX_LABEL_MEMBERS}),
               list_slice(list_sort(list_distinct(list(
                   coalesce(n.issuer, 'notice:' || p.notice_id)))), 1, {MAX_LABEL_MEMBERS})
        FROM passages p JOIN notices n USING (notice_id) {_MOVES.format("p")}
        WHERE p.cluster_id IN {_stored_ids("ids")}
          AND p.notice_id NOT IN (SELECT unnest($without::VARCHAR[]))
        GROUP BY 1
        """,
        {"ids": list(cluster_ids), "without": list(without)},
    ).fetchall()
    return {cid: (int(n), set(units), set(issuers)) for cid, n, units, issuers in rows}


def _forget_moves(con: duckdb.DuckDBPyConnection, moved: list[str], notice_ids: list[str]) -> None:
    """Drop the moves of these merged-away ids that only these notices' passages hold.

    ``moved``: the moved ids the notices' passages hold (a moved id resolves to another). A
    move outliving its members would capture a later cluster of the same name: ids are member
    refs (``<notice_id>:<passage_id>``), and a deleted notice can come back.
    """
    if not moved:
        return
    con.execute(
        """
        DELETE FROM cluster_moves WHERE cluster_id IN (SELECT unnest($moved::VARCHAR[]))
          AND cluster_id NOT IN (
            SELECT cluster_id FROM passages
            WHERE cluster_id IN (SELECT unnest($moved::VARCHAR[]))
              AND notice_id NOT IN (SELECT unnest($ids::VARCHAR[]))
        )
        """,
        {"moved": moved, "ids": notice_ids},
    )


def forget_notices(
    con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str], now: datetime | None = None
) -> None:
    """Keep keys and cluster counts right before these notices' passages are deleted.

    Called by the ingest's delete of a replaced or orphaned notice, inside its transaction
    and before its rows go. A text key whose representative goes gets the smallest remaining
    copy (or none); a cluster that loses notices is counted again from its other members and
    relabelled from the text of its first remaining member (a from-scratch ingest would have
    no link to the deleted notice either, but it could have split the cluster: deletions do
    not split clusters). A cluster left without notices loses its rows.
    """
    ids = list(dict.fromkeys(notice_ids))
    if not ids:
        return
    params = {"ids": ids}
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _xuncha_lost_keys AS
        SELECT text_key FROM passage_keys WHERE notice_id IN (SELECT unnest($ids::VARCHAR[]))
        """,
        params,
    )
    try:
        con.execute(
            "DELETE FROM passage_keys WHERE notice_id IN (SELECT unnest($ids::VARCHAR[]))",
            params,
        )
        con.execute(
            """
            INSERT INTO passage_keys
            SELECT text_key, r.notice_id, r.passage_id, r.cluster_id FROM (
                SELECT text_key, arg_min({'notice_id': notice_id, 'passage_id': passage_id,
                                          'cluster_id': cluster_id},
                                         (notice_id, passage_id)) AS r
                FROM passages SEMI JOIN _xuncha_lost_keys USING (text_key)
                WHERE notice_id NOT IN (SELECT unnest($ids::VARCHAR[]))
                GROUP BY text_key
            )
            """,
            params,
        )
    finally:
        con.execute("DROP TABLE IF EXISTS _xuncha_lost_keys")
    con.execute(
        "DELETE FROM passage_texts WHERE notice_id IN (SELECT unnest($ids::VARCHAR[]))", params
    )
    held = con.execute(  # (stored id, its cluster now) of these notices' passages
        f"SELECT DISTINCT p.cluster_id, {_RESOLVED.format('p')} FROM passages p "
        f"{_MOVES.format('p')} WHERE p.cluster_id IS NOT NULL "
        "AND p.notice_id IN (SELECT unnest($ids::VARCHAR[]))",
        params,
    ).fetchall()
    affected = sorted({cid for _, cid in held})
    # after resolving: a dropped move no longer leads to its cluster
    _forget_moves(con, sorted({stored for stored, cid in held if stored != cid}), ids)
    if not affected:
        return
    counted = _count_members(con, affected, ids)
    texts = dict(
        con.execute(
            f"""
            SELECT {_RESOLVED.format("p")}, arg_min(
                substring(n.text, p.start_offset + 1, p.end_offset - p.start_offset),
                (p.notice_id, p.passage_id))
            FROM passages p JOIN notices n USING (notice_id) {_MOVES.format("p")}
            WHERE p.cluster_id IN {_stored_ids("ids")}
              AND p.notice_id NOT IN (SELECT unnest($without::VARCHAR[]))
            GROUP BY 1
            """,
            {"ids": affected, "without": ids},
        ).fetchall()
    )
    for table in ("shared_clusters", "cluster_inputs"):
        con.execute(
            f"DELETE FROM {table} WHERE cluster_id IN (SELECT unnest($ids::VARCHAR[]))",
            {"ids": affected},
        )
    stamp = now or datetime.now().replace(microsecond=0)
    labelled: list[dict[str, object]] = []
    inputs: list[dict[str, object]] = []
    for cid in affected:
        if cid not in counted:
            continue
        notices, units, issuers = counted[cid]
        unit_list = sorted(units)[:MAX_LABEL_MEMBERS]
        issuer_list = sorted(issuers)[:MAX_LABEL_MEMBERS]
        labelled.append(
            {
                "cluster_id": cid,
                "label": label_cluster(texts[cid], _members(unit_list, issuer_list)),
                "notices": notices,
                "labelled_at": stamp,
            }
        )
        inputs.append({"cluster_id": cid, "units": unit_list, "issuers": issuer_list})
    insert_rows(con, "shared_clusters", labelled)
    insert_rows(con, "cluster_inputs", inputs)
