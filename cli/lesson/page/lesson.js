// The lesson page's script (backsim view, docs/lesson.md). It reads the runs embedded
// in the page, builds one 3D view of the back per run with three.js, and wires the
// controls. Everything it needs is inside the page: it works from a USB stick with no
// network and no server.
//
// URL query parameters, for links to a moment and for the tests (tests/cli/lesson/):
//   frame=K        slider position K (0 = first time)      field=KEY   colour by KEY
//   probe=X,Y      show the hover box at fractions (X, Y) of the first view
//   controls=0     start with the controls hidden          movement=N  exaggerate N times
//   play=1         start playing
// After the first picture the page logs one line "backsim-lesson-state {json}" on the
// console and sets data-state="ready" on <body>; errors log "backsim-lesson-error ...".

const data = JSON.parse(document.getElementById('lesson-data').textContent);
const params = new URLSearchParams(window.location.search);

// ---- errors are shown on the page and logged for the tests -------------------------

function showError(message) {
  const box = document.getElementById('error');
  box.hidden = false;
  box.textContent = message;
  document.body.dataset.state = 'error';
  console.log('backsim-lesson-error ' + message);
}
window.addEventListener('error', (e) => showError(String(e.message || e)));
window.addEventListener('unhandledrejection', (e) => showError(String(e.reason && e.reason.stack || e.reason)));

// ---- three.js from the page itself -------------------------------------------------

// The vendored modules are text in the page; blob URLs make them importable without a
// server, and their relative imports are pointed at each other's blob URLs.
async function loadThree() {
  const text = (id) => document.getElementById(id).textContent;
  const url = (source) => URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const coreUrl = url(text('three-core'));
  const moduleUrl = url(text('three-module').replaceAll('"./three.core.min.js"', JSON.stringify(coreUrl)));
  const controlsUrl = url(text('orbit-controls').replace(/from\s*['"]three['"]/, 'from ' + JSON.stringify(moduleUrl)));
  const THREE = await import(moduleUrl);
  const { OrbitControls } = await import(controlsUrl);
  return { THREE, OrbitControls };
}

// ---- data --------------------------------------------------------------------------

function bytes(base64) {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; ++i) out[i] = binary.charCodeAt(i);
  return out.buffer;
}
const float32 = (b64) => new Float32Array(bytes(b64));
const uint32 = (b64) => new Uint32Array(bytes(b64));
const uint16 = (b64) => new Uint16Array(bytes(b64));
const int32 = (b64) => new Int32Array(bytes(b64));

// matplotlib's viridis (Smith and van der Walt, CC0), 256 sRGB colours, as tabulated in
// d3-scale-chromatic: perceptually uniform, readable in grey and by colour-blind eyes.
const VIRIDIS_HEX =
  '44015444025645045745055946075a46085c460a5d460b5e470d60470e6147106347116447136548146748166848176948186a481a6c481b6d481c6e481d6f481f70482071482173482374482475482576482677482878482979472a7a472c7a472d7b472e7c472f7d46307e46327e46337f463480453581453781453882443983443a83443b84433d84433e85423f854240864241864142874144874045884046883f47883f48893e49893e4a893e4c8a3d4d8a3d4e8a3c4f8a3c508b3b518b3b528b3a538b3a548c39558c39568c38588c38598c375a8c375b8d365c8d365d8d355e8d355f8d34608d34618d33628d33638d32648e32658e31668e31678e31688e30698e306a8e2f6b8e2f6c8e2e6d8e2e6e8e2e6f8e2d708e2d718e2c718e2c728e2c738e2b748e2b758e2a768e2a778e2a788e29798e297a8e297b8e287c8e287d8e277e8e277f8e27808e26818e26828e26828e25838e25848e25858e24868e24878e23888e23898e238a8d228b8d228c8d228d8d218e8d218f8d21908d21918c20928c20928c20938c1f948c1f958b1f968b1f978b1f988b1f998a1f9a8a1e9b8a1e9c891e9d891f9e891f9f881fa0881fa1881fa1871fa28720a38620a48621a58521a68522a78522a88423a98324aa8325ab8225ac8226ad8127ad8128ae8029af7f2ab07f2cb17e2db27d2eb37c2fb47c31b57b32b67a34b67935b77937b87838b9773aba763bbb753dbc743fbc7340bd7242be7144bf7046c06f48c16e4ac16d4cc26c4ec36b50c46a52c56954c56856c66758c7655ac8645cc8635ec96260ca6063cb5f65cb5e67cc5c69cd5b6ccd5a6ece5870cf5773d05675d05477d1537ad1517cd2507fd34e81d34d84d44b86d54989d5488bd6468ed64590d74393d74195d84098d83e9bd93c9dd93ba0da39a2da37a5db36a8db34aadc32addc30b0dd2fb2dd2db5de2bb8de29bade28bddf26c0df25c2df23c5e021c8e020cae11fcde11dd0e11cd2e21bd5e21ad8e219dae319dde318dfe318e2e418e5e419e7e419eae51aece51befe51cf1e51df4e61ef6e620f8e621fbe723fde725';
const VIRIDIS = [];
for (let i = 0; i < 256; ++i)
  VIRIDIS.push([0, 2, 4].map((k) => parseInt(VIRIDIS_HEX.substr(6 * i + k, 2), 16) / 255));
const NO_VALUE = [0.79, 0.79, 0.79]; // light grey: the field has no value here (no muscle)

function viridis(t) {
  const x = Math.min(1, Math.max(0, t)) * 255;
  const i = Math.min(254, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i], b = VIRIDIS[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

function formatNumber(value, decimals) {
  return Number.isFinite(value) ? value.toFixed(decimals).replace(/^-(0\.?0*)$/, '$1') : '–';
}

function formatTime(t) {
  if (t >= 120) return `${Math.floor(t / 60)} min ${(t % 60).toFixed(0).padStart(2, '0')} s`;
  return `${t.toFixed(t >= 10 ? 1 : 2)} s`;
}

// ---- one run in one pane -----------------------------------------------------------

class RunView {
  constructor(lib, run, index, container, page) {
    const { THREE, OrbitControls } = lib;
    this.THREE = THREE;
    this.run = run;
    this.page = page;
    this.frameTimes = run.frame_time;
    this.reference = float32(run.reference);
    this.displacement = float32(run.displacement);
    this.faceVertices = uint32(run.face_vertices);
    this.fields = {};
    for (const [key, b64] of Object.entries(run.fields)) this.fields[key] = float32(b64);
    this.layerStart = uint32(run.layer_start);
    this.layerRegion = uint16(run.layer_region);
    this.layerThickness = float32(run.layer_thickness);
    this.faceMuscle = int32(run.face_muscle);
    this.toolPosition = float32(run.tool.position);
    this.toolPath = float32(run.tool.path);
    this.toolPathTime = float32(run.tool.path_time);
    this.frame = -1;

    // The pane: canvas, caption, orientation hint, hover box.
    this.pane = document.createElement('div');
    this.pane.className = 'pane';
    container.appendChild(this.pane);
    this.renderer = new THREE.WebGLRenderer({ antialias: true });
    this.renderer.setPixelRatio(window.devicePixelRatio || 1);
    this.renderer.setClearColor(0xffffff, 1);
    this.pane.appendChild(this.renderer.domElement);
    this.caption = document.createElement('div');
    this.caption.className = 'caption';
    this.pane.appendChild(this.caption);
    const orientation = document.createElement('div');
    orientation.className = 'orientation';
    // The frame of docs/model.md: z out of the skin, y toward the head, x to the
    // patient's right. A block has no head: it is only seen from above.
    orientation.innerHTML = run.model === 'block' ? 'seen from above'
      : 'seen from behind · head up<br>patient\u2019s left on the left';
    this.pane.appendChild(orientation);
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'tooltip';
    this.tooltip.hidden = true;
    this.pane.appendChild(this.tooltip);
    this.probeMark = document.createElement('div'); // where the hover box points
    this.probeMark.className = 'probe-mark';
    this.probeMark.hidden = true;
    this.pane.appendChild(this.probeMark);
    this.labelLayer = document.createElement('div');
    this.pane.appendChild(this.labelLayer);

    // The skin: one indexed mesh, positions and colours rewritten per frame.
    const vertices = run.vertices;
    this.geometry = new THREE.BufferGeometry();
    this.positions = new Float32Array(3 * vertices);
    this.colours = new Float32Array(3 * vertices);
    this.geometry.setAttribute('position', new THREE.BufferAttribute(this.positions, 3));
    this.geometry.setAttribute('color', new THREE.BufferAttribute(this.colours, 3));
    this.geometry.setIndex(new THREE.BufferAttribute(this.faceVertices, 1));
    const material = new THREE.MeshLambertMaterial({ vertexColors: true, side: THREE.DoubleSide });
    this.mesh = new THREE.Mesh(this.geometry, material);
    this.scene = new THREE.Scene();
    this.scene.add(this.mesh);
    // Mostly even light, so that colours stay close to the colour bar, with a light
    // from the viewer's upper left to show the shape of the back and the tool's dent.
    // Tuned so that skin facing the viewer shows the colour bar's colour within a few
    // levels (checked on screenshots); skin turning away darkens, as the eye expects.
    const sky = new THREE.HemisphereLight(0xffffff, 0x8c8c8c, 2.4);
    sky.position.set(0, 0, 1); // the sky is behind the patient: +z, out of the skin
    this.scene.add(sky);
    const sun = new THREE.DirectionalLight(0xffffff, 1.0);
    sun.position.set(-0.4, 0.5, 1.0);
    this.scene.add(sun);

    // Extent of the skin, for the camera and for sizes that scale with the model.
    const box = new THREE.Box3().setFromArray(this.reference);
    this.centre = box.getCenter(new THREE.Vector3());
    this.size = box.getSize(new THREE.Vector3());
    this.extent = Math.max(this.size.x, this.size.y);

    this.buildTool();
    this.buildLandmarks();

    this.camera = new THREE.PerspectiveCamera(30, 1, this.extent / 100, this.extent * 20);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.addEventListener('change', () => {
      this.page.viewMoved(this);
      this.requestRender();
    });
    this.resetCamera();

    this.raycaster = new THREE.Raycaster();
    this.renderer.domElement.addEventListener('pointermove', (e) => {
      const r = this.renderer.domElement.getBoundingClientRect();
      this.probe((e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
    });
    this.renderer.domElement.addEventListener('pointerleave', () => {
      this.tooltip.hidden = true;
      this.probeMark.hidden = true;
    });

    new ResizeObserver(() => this.resize()).observe(this.pane);
    this.resize();
  }

  // The back from behind (+z, out of the skin), head up, tilted 20 degrees toward the
  // feet so that the relief and the tool's dent show.
  resetCamera() {
    const THREE = this.THREE;
    const aspect = this.aspect || 1;
    const halfFov = THREE.MathUtils.degToRad(this.camera.fov / 2);
    const fitHeight = Math.max(this.size.y, this.size.x / aspect) * 1.15; // margin for the tilt's perspective
    const distance = fitHeight / 2 / Math.tan(halfFov) + this.size.z;
    const tilt = THREE.MathUtils.degToRad(20);
    this.camera.up.set(0, 1, 0);
    this.camera.position.set(this.centre.x, this.centre.y - distance * Math.sin(tilt), this.centre.z + distance * Math.cos(tilt));
    this.controls.target.copy(this.centre);
    this.controls.update();
  }

  resize() {
    const w = Math.max(1, this.pane.clientWidth), h = Math.max(1, this.pane.clientHeight);
    this.renderer.setSize(w, h, false);
    const first = this.aspect === undefined;
    this.page.layoutChanged = true;
    this.aspect = w / h;
    this.camera.aspect = this.aspect;
    this.camera.updateProjectionMatrix();
    if (first) this.resetCamera();
    if (!this.tooltip.hidden && this.lastProbe) this.probe(...this.lastProbe); // same place, new layout
    this.requestRender();
  }

  buildTool() {
    const THREE = this.THREE;
    const tool = this.run.tool;
    this.toolGroup = new THREE.Group();
    this.pathGroup = new THREE.Group();
    this.scene.add(this.toolGroup, this.pathGroup);
    if (this.toolPosition.length === 0) return;
    let geometry;
    if (tool.shape === 'sphere') {
      geometry = new THREE.SphereGeometry(tool.radius, 48, 24);
    } else if (tool.shape === 'capsule') {
      geometry = new THREE.CapsuleGeometry(tool.radius, 2 * tool.half_length, 12, 32);
      geometry.rotateZ(-Math.PI / 2); // three's capsule lies along y; the tool frame's axis is x
    } else if (tool.shape === 'box') {
      const [hx, hy, hz] = tool.half_extents;
      geometry = new THREE.BoxGeometry(2 * hx, 2 * hy, 2 * hz);
    }
    if (geometry) {
      if (tool.shape !== 'sphere') {
        const r = tool.rotation; // column-major: tool frame -> world
        geometry.applyMatrix4(new THREE.Matrix4().set(r[0], r[3], r[6], 0, r[1], r[4], r[7], 0, r[2], r[5], r[8], 0, 0, 0, 0, 1));
      }
      // See-through, so that the dent under it stays visible.
      const shell = new THREE.Mesh(geometry, new THREE.MeshLambertMaterial({
        color: 0xe8e2da, transparent: true, opacity: 0.38, depthWrite: false }));
      shell.renderOrder = 2;
      const outline = new THREE.LineSegments(new THREE.EdgesGeometry(geometry, 30),
        new THREE.LineBasicMaterial({ color: 0x7a7266, transparent: true, opacity: 0.6 }));
      this.toolGroup.add(shell, outline);
      this.toolIsMarker = false;
    } else {
      // Shape unknown (a scenario this build cannot read): a small marker at the
      // tool's reference point.
      this.toolGroup.add(new THREE.Mesh(new THREE.SphereGeometry(this.extent / 60, 16, 8),
        new THREE.MeshLambertMaterial({ color: 0xc8102e })));
      this.toolIsMarker = true;
    }
    // The path of the tool's lowest point, lifted a little off the skin: the part still
    // to come faint, the part done strong.
    this.pathPoints = [];
    const lift = this.extent / 250;
    for (let i = 0; i < this.toolPath.length; i += 3)
      this.pathPoints.push(new THREE.Vector3(this.toolPath[i], this.toolPath[i + 1], this.toolPath[i + 2] + lift));
    this.pathRadius = this.extent / 250;
    if (this.pathPoints.length >= 2) {
      const whole = this.tube(this.pathPoints, 0.5);
      whole.material = new THREE.MeshBasicMaterial({ color: 0x222222, transparent: true, opacity: 0.45, depthTest: false });
      whole.renderOrder = 3;
      this.pathGroup.add(whole);
      this.doneMaterial = new THREE.MeshBasicMaterial({ color: 0xc8102e, depthTest: false });
    }
  }

  // A tube along a polyline (lines in WebGL are one pixel wide, too thin for a slide).
  tube(points, thickness = 1) {
    const THREE = this.THREE;
    const path = new THREE.CurvePath();
    for (let i = 1; i < points.length; ++i)
      if (points[i].distanceToSquared(points[i - 1]) > 0) path.add(new THREE.LineCurve3(points[i - 1], points[i]));
    if (path.curves.length === 0) return new THREE.Mesh();
    const segments = Math.min(4000, 4 * path.curves.length);
    return new THREE.Mesh(new THREE.TubeGeometry(path, segments, thickness * this.pathRadius, 8, false));
  }

  buildLandmarks() {
    const THREE = this.THREE;
    this.landmarkGroup = new THREE.Group();
    this.scene.add(this.landmarkGroup);
    this.landmarkLabels = [];
    const dot = new THREE.SphereGeometry(this.extent / 220, 12, 6);
    const black = new THREE.MeshBasicMaterial({ color: 0x111111 });
    for (const landmark of this.run.landmarks) {
      const p = new THREE.Vector3(...landmark.position);
      const marker = new THREE.Mesh(dot, black);
      marker.position.copy(p);
      this.landmarkGroup.add(marker);
      const label = document.createElement('div');
      label.className = 'landmark';
      label.textContent = landmark.name.replaceAll('_', ' ');
      this.labelLayer.appendChild(label);
      this.landmarkLabels.push({ position: p, element: label });
    }
  }

  // The run's frame at time t: the last one at or before it.
  frameAt(t) {
    let lo = 0, hi = this.frameTimes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.frameTimes[mid] <= t + 1e-9) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  setTime(t) {
    this.frame = this.frameAt(t);
    this.time = t;
    this.update();
  }

  update() {
    const THREE = this.THREE;
    const f = this.frame;
    const n = this.run.vertices;
    const k = this.page.exaggeration;
    const u = this.displacement.subarray(3 * n * f, 3 * n * (f + 1));
    for (let i = 0; i < 3 * n; ++i) this.positions[i] = this.reference[i] + k * u[i];
    this.geometry.attributes.position.needsUpdate = true;
    this.geometry.computeVertexNormals();
    this.geometry.computeBoundingSphere();
    this.geometry.computeBoundingBox();

    const field = this.page.field;
    const values = this.fields[field.key];
    const colour = new THREE.Color();
    this.hasNoValue = false;
    for (let v = 0; v < n; ++v) {
      const value = values ? values[n * f + v] : NaN;
      let rgb = NO_VALUE;
      if (Number.isFinite(value)) rgb = viridis((value - field.min) / (field.max - field.min));
      else this.hasNoValue = true;
      colour.setRGB(rgb[0], rgb[1], rgb[2], THREE.SRGBColorSpace); // stored linear, shown as sRGB
      this.colours[3 * v] = colour.r;
      this.colours[3 * v + 1] = colour.g;
      this.colours[3 * v + 2] = colour.b;
    }
    this.geometry.attributes.color.needsUpdate = true;

    if (this.toolPosition.length) {
      const p = this.toolPosition.subarray(3 * f, 3 * f + 3);
      this.toolGroup.position.set(p[0], p[1], p[2]);
      this.toolGroup.visible = this.page.showTool;
      this.pathGroup.visible = this.page.showPath;
      if (this.done) {
        this.pathGroup.remove(this.done);
        this.done.geometry.dispose();
        this.done = null;
      }
      const t = this.frameTimes[f];
      const doneCount = this.toolPathTime.findIndex((s) => s > t + 1e-9);
      const points = this.pathPoints.slice(0, doneCount < 0 ? this.pathPoints.length : doneCount);
      if (this.doneMaterial && points.length >= 2) {
        this.done = this.tube(points);
        this.done.material = this.doneMaterial;
        this.done.renderOrder = 4;
        this.pathGroup.add(this.done);
      }
    }
    this.landmarkGroup.visible = this.page.showLandmarks;
    this.updateCaption();
    if (!this.tooltip.hidden && this.lastProbe) this.probe(...this.lastProbe);
    this.requestRender();
  }

  updateCaption() {
    const run = this.run;
    const f = this.frame;
    let html = `<div class="name">${escapeHtml(run.name)}</div>`;
    html += `<div class="detail">${escapeHtml(run.file)} · t = ${formatTime(this.frameTimes[f])}</div>`;
    if (run.status === 'solver_failure') html += '<div class="warning">the run stopped early: the solver failed</div>';
    else if (run.status !== 'ok') html += `<div class="warning">unfinished run (status "${escapeHtml(run.status)}")</div>`;
    if (!this.fields[this.page.field.key]) html += `<div class="warning">no ${escapeHtml(this.page.field.label.toLowerCase())} in this run</div>`;
    this.caption.innerHTML = html;
  }

  // The hover box at fractions (x, y) of the pane: the region under the pointer, the
  // field's value there, and the layers a needle would pass through.
  probe(x, y) {
    this.lastProbe = [x, y];
    const THREE = this.THREE;
    this.camera.updateMatrixWorld();
    this.raycaster.setFromCamera(new THREE.Vector2(2 * x - 1, 1 - 2 * y), this.camera);
    const hit = this.raycaster.intersectObject(this.mesh, false)[0];
    if (!hit) {
      this.tooltip.hidden = true;
      this.probeMark.hidden = true;
      this.tooltipText = '';
      return;
    }
    const face = hit.faceIndex;
    const regions = this.run.regions;
    const muscle = this.faceMuscle[face];
    const first = this.layerStart[face], last = this.layerStart[face + 1];
    const name = muscle >= 0 ? regions[muscle] : (last > first ? regions[this.layerRegion[first]] : 'skin');
    const field = this.page.field;
    const values = this.fields[field.key];
    let valueText = 'no value here';
    if (values) {
      const n = this.run.vertices, f = this.frame;
      const w = hit.barycoord || new THREE.Vector3(1 / 3, 1 / 3, 1 / 3);
      const corners = [hit.face.a, hit.face.b, hit.face.c].map((v) => values[n * f + v]);
      if (corners.every(Number.isFinite)) {
        const value = w.x * corners[0] + w.y * corners[1] + w.z * corners[2];
        valueText = `${formatNumber(value, field.decimals + 1)} ${field.units}`;
      }
    }
    const layers = [];
    let depth = 0;
    for (let i = first; i < last; ++i) {
      const mm = 1000 * this.layerThickness[i];
      depth += mm;
      if (mm >= 0.05) layers.push(`${escapeHtml(regions[this.layerRegion[i]])} ${mm < 10 ? mm.toFixed(1) : mm.toFixed(0)} mm`);
    }
    this.tooltip.innerHTML =
      `<div class="region">${escapeHtml(name)}</div>` +
      `<div>${escapeHtml(field.label)}: <b>${escapeHtml(valueText)}</b></div>` +
      `<div class="layers">Under the skin here (${depth.toFixed(0)} mm to the bone or the model's floor): ${layers.join(' · ')}</div>`;
    this.tooltipText = this.tooltip.textContent;
    this.tooltip.hidden = false;
    const pw = this.pane.clientWidth, ph = this.pane.clientHeight;
    const left = Math.min(x * pw + 14, pw - this.tooltip.offsetWidth - 6);
    const top = y * ph + 14 + this.tooltip.offsetHeight > ph ? y * ph - this.tooltip.offsetHeight - 10 : y * ph + 14;
    this.tooltip.style.left = `${Math.max(4, left)}px`;
    this.tooltip.style.top = `${Math.max(4, top)}px`;
    this.probeMark.style.left = `${x * pw}px`;
    this.probeMark.style.top = `${y * ph}px`;
    this.probeMark.hidden = false;
    this.hoverRegion = name;
  }

  requestRender() { this.page.requestRender(); }

  render() {
    this.renderer.render(this.scene, this.camera);
    const w = this.pane.clientWidth, h = this.pane.clientHeight;
    const v = new this.THREE.Vector3();
    for (const { position, element } of this.landmarkLabels) {
      v.copy(position).project(this.camera);
      const visible = this.page.showLandmarks && v.z < 1 && Math.abs(v.x) <= 1 && Math.abs(v.y) <= 1;
      element.hidden = !visible;
      if (visible) {
        element.style.left = `${((v.x + 1) / 2) * w}px`;
        element.style.top = `${((1 - v.y) / 2) * h}px`;
      }
    }
  }
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
}

// ---- the page: controls, time line, colour bar --------------------------------------

class LessonPage {
  constructor(lib) {
    this.lib = lib;
    this.fields = data.fields;
    this.exaggeration = Number(params.get('movement') || 1);
    this.showTool = true;
    this.showPath = true;
    this.showLandmarks = true;
    this.playing = false;
    this.renderPending = false;
    this.syncing = false;

    // The shared time line: every frame time of every run; each view shows its last
    // frame at or before the slider's time.
    const times = [];
    for (const run of data.runs) times.push(...run.frame_time);
    times.sort((a, b) => a - b);
    this.timeline = times.filter((t, i) => i === 0 || t - times[i - 1] > 1e-9);

    document.getElementById('title').textContent = data.title;
    document.title = data.title;
    // One run: its description (the title is its name). Two: what each one is.
    document.getElementById('subtitle').textContent = data.runs.length === 1
      ? data.runs[0].description
      : data.runs.map((r, i) => `${i ? 'right' : 'left'}: ${r.name}${r.description ? ' (' + r.description + ')' : ''}`).join(';  ');

    this.views = data.runs.map((run, i) => new RunView(lib, run, i, document.getElementById('views'), this));
    if (this.views.length > 1) document.getElementById('link-toggle').hidden = false;
    if (data.runs.some((r) => r.landmarks.length)) document.getElementById('landmarks-toggle').hidden = false;

    this.setupControls();
  }

  setupControls() {
    const fieldSelect = document.getElementById('field');
    for (const field of this.fields) fieldSelect.add(new Option(field.label, field.key));
    const wanted = params.get('field');
    const initial = this.fields.find((f) => f.key === wanted) || this.fields.find((f) => f.key === 'pressure') || this.fields[0];
    if (wanted && !this.fields.find((f) => f.key === wanted))
      showError(`field=${wanted}: this page has ${this.fields.map((f) => f.key).join(', ')}`);
    fieldSelect.value = initial.key;
    this.field = initial;
    fieldSelect.addEventListener('change', () => {
      this.field = this.fields.find((f) => f.key === fieldSelect.value);
      this.drawColourBar();
      this.updateViews();
    });

    const slider = document.getElementById('slider');
    slider.max = String(this.timeline.length - 1);
    slider.addEventListener('input', () => {
      this.pause();
      this.setStep(Number(slider.value));
    });

    // Playback speeds: the default plays the whole run in about ten seconds.
    const duration = this.timeline[this.timeline.length - 1] - this.timeline[0];
    const speeds = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
    const speedSelect = document.getElementById('speed');
    for (const s of speeds) speedSelect.add(new Option(`× ${s}`, String(s)));
    const preferred = speeds.reduce((best, s) => (Math.abs(Math.log(s * 10 / Math.max(duration, 1e-6))) <
      Math.abs(Math.log(best * 10 / Math.max(duration, 1e-6))) ? s : best), 1);
    speedSelect.value = String(preferred);

    document.getElementById('play').addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    const exaggerate = document.getElementById('exaggerate');
    if (![...exaggerate.options].some((o) => Number(o.value) === this.exaggeration))
      exaggerate.add(new Option(`× ${this.exaggeration}`, String(this.exaggeration)));
    exaggerate.value = String(this.exaggeration);
    exaggerate.addEventListener('change', () => {
      this.exaggeration = Number(exaggerate.value);
      this.updateViews();
    });
    const toggle = (id, key) => {
      const box = document.getElementById(id);
      box.addEventListener('change', () => {
        this[key] = box.checked;
        this.updateViews();
      });
    };
    toggle('show-tool', 'showTool');
    toggle('show-path', 'showPath');
    toggle('show-landmarks', 'showLandmarks');
    document.getElementById('reset-view').addEventListener('click', () => this.resetViews());
    const controls = document.getElementById('controls');
    document.getElementById('hide-controls').addEventListener('click', () => {
      controls.classList.add('hidden');
      this.resizeViews();
    });
    if (params.get('controls') === '0') controls.classList.add('hidden');
    window.addEventListener('keydown', (e) => {
      if (e.target instanceof HTMLSelectElement || e.target instanceof HTMLInputElement && e.target.type !== 'range') return;
      if (e.key === 'h' || e.key === 'H') controls.classList.toggle('hidden');
      else if (e.key === 'r' || e.key === 'R') this.resetViews();
      else if (e.key === ' ') {
        e.preventDefault();
        this.playing ? this.pause() : this.play();
      } else return;
      this.resizeViews();
    });

    const notes = [];
    for (const run of data.runs) {
      if (run.frame_time.length < run.run_frames)
        notes.push(`${run.name}: ${run.frame_time.length} of its ${run.run_frames} frames are shown (evenly spread).`);
    }
    notes.push('Colours are interpolated between the mesh nodes; each element of the model has one value.');
    notes.push(`backsim view, three.js ${data.three_version}. Drag to turn, scroll to zoom, right-drag to move; hover for the tissue under the pointer; H hides the controls, space plays.`);
    document.getElementById('notes').textContent = notes.join(' ');

    this.drawColourBar();
    const frame = params.has('frame') ? Number(params.get('frame')) : this.timeline.length - 1;
    if (!(frame >= 0 && frame < this.timeline.length))
      showError(`frame=${params.get('frame')}: the slider goes from 0 to ${this.timeline.length - 1}`);
    // The slider's own input handler moves the views, as when a person drags it.
    slider.value = String(Math.min(Math.max(0, Math.round(frame)) || 0, this.timeline.length - 1));
    slider.dispatchEvent(new Event('input'));
  }

  setStep(step) {
    this.step = step;
    const t = this.timeline[step];
    document.getElementById('slider').value = String(step);
    document.getElementById('time').textContent = `t = ${formatTime(t)}`;
    for (const v of this.views) v.setTime(t);
    this.updateLegendNoValue();
  }

  updateViews() {
    for (const v of this.views) v.update();
    this.updateLegendNoValue();
  }

  updateLegendNoValue() {
    document.getElementById('no-value').hidden = !this.views.some((v) => v.hasNoValue);
  }

  play() {
    if (this.step >= this.timeline.length - 1) this.setStep(0);
    this.playing = true;
    document.getElementById('play').innerHTML = '&#10074;&#10074; Pause';
    let last = performance.now();
    let t = this.timeline[this.step];
    const tick = (now) => {
      if (!this.playing) return;
      t += ((now - last) / 1000) * Number(document.getElementById('speed').value);
      last = now;
      let step = this.step;
      while (step < this.timeline.length - 1 && this.timeline[step + 1] <= t) ++step;
      if (step !== this.step) this.setStep(step);
      if (step >= this.timeline.length - 1) this.pause();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  pause() {
    this.playing = false;
    document.getElementById('play').innerHTML = '&#9654; Play';
  }

  resizeViews() {
    for (const v of this.views) v.resize();
  }

  resetViews() {
    for (const v of this.views) v.resetCamera();
    this.requestRender();
  }

  // With "turn views together", the other view follows the one that was moved.
  viewMoved(source) {
    if (this.syncing || !this.views || this.views.length < 2 || !document.getElementById('link-views').checked) return;
    this.syncing = true;
    for (const v of this.views) {
      if (v === source) continue;
      // Same offset from each model's centre, so that models of different place align.
      v.camera.position.copy(source.camera.position).sub(source.centre).add(v.centre);
      v.controls.target.copy(source.controls.target).sub(source.centre).add(v.centre);
      v.camera.up.copy(source.camera.up);
      v.camera.zoom = source.camera.zoom;
      v.camera.updateProjectionMatrix();
      v.controls.update();
    }
    this.syncing = false;
  }

  drawColourBar() {
    const field = this.field;
    document.getElementById('colourbar-title').textContent = field.label;
    document.getElementById('colourbar-units').textContent = field.units;
    document.getElementById('field-description').textContent = field.description;
    const canvas = document.getElementById('colourbar-canvas');
    const g = canvas.getContext('2d');
    const image = g.createImageData(1, canvas.height);
    for (let i = 0; i < canvas.height; ++i) {
      const [r, gr, b] = viridis(1 - i / (canvas.height - 1)); // top: the largest value
      image.data.set([Math.round(255 * r), Math.round(255 * gr), Math.round(255 * b), 255], 4 * i);
    }
    g.putImageData(image, 0, 0);
    const ticks = document.getElementById('colourbar-ticks');
    ticks.textContent = '';
    for (const value of field.ticks) {
      const tick = document.createElement('span');
      tick.className = 'tick';
      tick.style.bottom = `${(100 * (value - field.min)) / (field.max - field.min)}%`;
      tick.textContent = formatNumber(value, field.decimals);
      ticks.appendChild(tick);
    }
  }

  requestRender() {
    if (this.renderPending) return;
    this.renderPending = true;
    requestAnimationFrame(() => {
      this.renderPending = false;
      this.renderNow();
    });
  }

  renderNow() {
    for (const v of this.views) v.render();
    // A new layout moves the views: the tests read their places from the last state.
    if (this.layoutChanged && this.started) console.log('backsim-lesson-state ' + JSON.stringify(this.state()));
    this.layoutChanged = false;
  }

  // What the tests read: the state after the first picture.
  state() {
    return {
      step: this.step,
      steps: this.timeline.length,
      time: this.timeline[this.step],
      field: this.field.key,
      fields: this.fields.map((f) => f.key),
      frames: this.views.map((v) => v.frame),
      views: this.views.length,
      // Where each view is on the page, CSS pixels [x, y, width, height], for pixel checks.
      panes: this.views.map((v) => {
        const r = v.pane.getBoundingClientRect();
        return [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)];
      }),
      hover: this.views[0].tooltip.hidden ? '' : this.views[0].tooltipText,
      time_text: document.getElementById('time').textContent,
      colourbar: document.getElementById('colourbar-title').textContent + ' (' + this.field.units + ')',
      ticks: [...document.querySelectorAll('.tick')].map((t) => t.textContent),
    };
  }
}

// ---- start ---------------------------------------------------------------------------

try {
  const lib = await loadThree();
  const page = new LessonPage(lib);
  window.lesson = page;
  if (params.has('probe')) {
    const [x, y] = params.get('probe').split(',').map(Number);
    page.views[0].probe(x, y);
  }
  if (params.get('play') === '1') page.play();
  page.layoutChanged = true;
  page.started = true;
  page.renderNow();
  if (document.body.dataset.state !== 'error') document.body.dataset.state = 'ready';
} catch (e) {
  const webgl = /WebGL/i.test(String(e && e.message));
  showError(webgl ? 'This page needs WebGL, which this browser has turned off: ' + e.message : String(e && e.stack || e));
}
