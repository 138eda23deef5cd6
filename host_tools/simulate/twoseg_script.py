"""Scripts of a two-segment run (chest + pelvis, issue 17): what the runner's thorax AND pelvis
mean to do, checked once so the physics never sees a bad value.

A two-segment segment is a one-sensor segment (scenario.py; its `lean_deg` is the thorax) plus
- `pelvis_deg`: the pelvis's sagittal tilt from standing tall, + anterior (default: lean_deg,
  the body inclined as one line);
- `toeoff_deg`: extra anterior pelvic tilt that peaks at toe-off (run only, 0..10): the arch
  "as the leg passes behind";
- `episode`: none, ankle_lean, hip_bend, lumbar_arch or upright (run only): the form the
  script means, scored by the two-sensor bench (bench/twoseg.py).
The segment's `fault` keeps its one-sensor meaning: what the chest-only coach's bands call the
thorax lean. The ranges drawn below are cited in host_tools/simulate/README.md ("Two-segment
trunk").
"""
import numpy as np

from ..errors import UserError
from . import scenario

EPISODES = ("ankle_lean", "hip_bend", "lumbar_arch", "upright")
KEYS = ("pelvis_deg", "toeoff_deg", "episode")
PELVIS_RANGE_DEG = (-20.0, 35.0)
TOEOFF_RANGE_DEG = (0.0, 10.0)

# Per-run and per-episode draws (deg), README "Two-segment trunk" says where they come from.
RUNNER_OFFSET_DEG = (-1.0, 3.0)     # pelvis - thorax in good running (lumbar = -offset)
ANKLE_LEAN_DEG = (10.0, 16.0)       # both segments, plus the runner's offset on the pelvis
HIP_BEND_THORAX_DEG = (12.0, 18.0)  # inside the chest's good band: one clip sees nothing wrong
HIP_BEND_PELVIS_DEG = (-1.0, 2.0)   # ... while the pelvis stays near standing tall
ARCH_EXTENSION_DEG = (8.0, 12.0)    # stride-mean pelvis - thorax in a lumbar arch
ARCH_TOEOFF_DEG = (3.0, 6.0)        # ... and its extra anterior tilt at toe-off
# The thorax in an arch: extending (chest: arch), staying back (chest: upright) or upright-ish
# in the chest's good band (the case one clip cannot see): (range, the chest's fault label).
ARCH_THORAX = ((( -4.0, -2.5), "arch"), ((0.0, 2.5), "upright"), ((5.0, 7.0), "none"))
UPRIGHT_DEG = (0.0, 2.0)


def resolve(segments, cadence_spm=scenario.RUN_CADENCE_SPM):
    """Check a two-segment script and return it with every default filled in (new dicts)."""
    if isinstance(segments, dict):
        segments = segments.get("segments")
    if not isinstance(segments, list) or not segments:
        raise UserError("scenario needs a non-empty list of segments")
    base = [{k: v for k, v in seg.items() if k not in KEYS} if isinstance(seg, dict) else seg
            for seg in segments]
    out = scenario.resolve(base, cadence_spm)
    for i, (seg, res) in enumerate(zip(segments, out, strict=True)):
        where = "segment %d (%s)" % (i + 1, res["do"])
        pelvis = scenario.number(where, "pelvis_deg", seg.get("pelvis_deg", res["lean_deg"]))
        toeoff = scenario.number(where, "toeoff_deg", seg.get("toeoff_deg", 0.0))
        episode = seg.get("episode", "none")
        for key, value, (lo, hi) in (("pelvis_deg", pelvis, PELVIS_RANGE_DEG),
                                     ("toeoff_deg", toeoff, TOEOFF_RANGE_DEG)):
            if not lo <= value <= hi:
                raise UserError("%s: %s=%g is outside %g..%g" % (where, key, value, lo, hi))
        if episode not in ("none",) + EPISODES:
            raise UserError("%s: episode must be one of none, %s, got %r"
                            % (where, ", ".join(EPISODES), episode))
        if (episode != "none" or toeoff) and res["do"] != "run":
            raise UserError("%s: an episode or toeoff_deg applies only to run segments" % where)
        res.update(pelvis_deg=pelvis, toeoff_deg=toeoff, episode=episode)
    return out


def _run(s, thorax_deg, pelvis_deg, **extra):
    return dict({"do": "run", "s": s, "lean_deg": thorax_deg, "pelvis_deg": pelvis_deg}, **extra)


def demo():
    """~3.5 min: stand tall, walk, then good running with each episode once (the command's
    default, and the tests' run)."""
    return [{"do": "stand", "s": 6}, {"do": "walk", "s": 15},
            _run(35, 8.0, 9.5),
            _run(20, 13.0, 14.5, episode="ankle_lean"), _run(25, 8.0, 9.5),
            _run(20, 15.0, 0.5, episode="hip_bend"), _run(25, 8.0, 9.5),
            _run(20, 1.0, 11.0, toeoff_deg=5.0, episode="lumbar_arch", fault="upright"),
            _run(25, 8.0, 9.5),
            _run(20, 1.0, 2.5, episode="upright", fault="upright"), _run(25, 8.0, 9.5),
            {"do": "walk", "s": 10}]


def _episode(kind, offset, rng):
    """(thorax_deg, pelvis_deg, toeoff_deg, chest fault) of one episode of `kind`."""
    if kind == "ankle_lean":
        lean = rng.uniform(*ANKLE_LEAN_DEG)
        return lean, lean + offset, 0.0, "none"
    if kind == "hip_bend":
        return rng.uniform(*HIP_BEND_THORAX_DEG), rng.uniform(*HIP_BEND_PELVIS_DEG), 0.0, "none"
    if kind == "lumbar_arch":
        span, chest = ARCH_THORAX[int(rng.integers(len(ARCH_THORAX)))]
        thorax = rng.uniform(*span)
        return (thorax, thorax + rng.uniform(*ARCH_EXTENSION_DEG), rng.uniform(*ARCH_TOEOFF_DEG),
                chest)
    lean = rng.uniform(*UPRIGHT_DEG)
    return lean, lean + max(0.0, offset), 0.0, "upright"


def field_run(seed, duration_s=600.0, n_episodes=6):
    """A two-segment run for the benchmark: scenario.field's run (stand, set-off turn or walk,
    corners, surge, interval, crossing, walk; field.py's physics) with its fault episodes
    recast as two-segment episodes: each kind once, the rest hip bends and lumbar arches, in a
    drawn order, and the runner's own pelvis offset in good running."""
    if n_episodes < len(EPISODES):
        raise ValueError("n_episodes must be at least %d" % len(EPISODES))
    rng = np.random.default_rng([int(seed), 0x25E6])
    offset = float(rng.uniform(*RUNNER_OFFSET_DEG))
    kinds = list(EPISODES) + [("hip_bend", "lumbar_arch")[i % 2]
                              for i in range(n_episodes - len(EPISODES))]
    kinds = [kinds[i] for i in rng.permutation(len(kinds))]
    out, current = [], None
    for seg in scenario.field(seed, duration_s, n_faults=n_episodes):
        seg = dict(seg)
        if seg.get("fault", "none") == "none":
            current = None
            if seg["do"] == "run":
                seg["pelvis_deg"] = round(seg["lean_deg"] + offset, 2)
        else:
            if current is None:
                kind = kinds.pop(0)
                current = (kind,) + _episode(kind, offset, rng)
            kind, thorax, pelvis, toeoff, chest = current
            seg.update(lean_deg=round(thorax, 2), pelvis_deg=round(pelvis, 2),
                       toeoff_deg=round(toeoff, 2), episode=kind, fault=chest)
        out.append(seg)
    return out


BUILTIN = {"demo": demo}


def named(name_or_path, seed=0, duration_s=600.0):
    """demo, field (field_run(seed, duration_s)) or a JSON file path."""
    if name_or_path == "field":
        return field_run(seed, duration_s)
    if name_or_path in BUILTIN:
        return BUILTIN[name_or_path]()
    return scenario.load(name_or_path)
