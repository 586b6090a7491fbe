// Drawing pad: pointer strokes (mouse, touch, pen) on an opaque white canvas,
// with undo of the last stroke. The canvas keeps a fixed backing size so the
// image the model sees does not depend on the screen it was drawn on.
const SIZE = 280;
const LINE_WIDTH = 20; // about MNIST's stroke-to-digit ratio at this size
const INK = '#000';
const PAPER = '#fff';

export function createPad(canvas, onChange) {
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const strokes = [];
  let active = null; // stroke being drawn, with the pointer that draws it

  function paintStroke(points) {
    ctx.beginPath();
    ctx.moveTo(points[0].x, points[0].y);
    if (points.length === 1) ctx.lineTo(points[0].x + 0.01, points[0].y); // a tap leaves a dot
    // Quadratic curves through the midpoints smooth out jagged pointer samples.
    for (let i = 1; i < points.length - 1; i++) {
      const mid = { x: (points[i].x + points[i + 1].x) / 2, y: (points[i].y + points[i + 1].y) / 2 };
      ctx.quadraticCurveTo(points[i].x, points[i].y, mid.x, mid.y);
    }
    if (points.length > 1) ctx.lineTo(points.at(-1).x, points.at(-1).y);
    ctx.stroke();
  }

  function redraw() {
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, SIZE, SIZE);
    ctx.strokeStyle = INK;
    ctx.lineWidth = LINE_WIDTH;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const stroke of strokes) paintStroke(stroke);
  }

  function toCanvas(event) {
    const rect = canvas.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) * SIZE) / rect.width, y: ((event.clientY - rect.top) * SIZE) / rect.height };
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (active || event.button > 0) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    active = { id: event.pointerId, points: [toCanvas(event)] };
    strokes.push(active.points);
    redraw();
    onChange({ final: false });
  });
  canvas.addEventListener('pointermove', (event) => {
    if (active?.id !== event.pointerId) return;
    const samples = event.getCoalescedEvents?.() ?? [];
    for (const sample of samples.length ? samples : [event]) active.points.push(toCanvas(sample));
    redraw();
    onChange({ final: false });
  });
  const finish = (event) => {
    if (active?.id !== event.pointerId) return;
    active = null;
    onChange({ final: true, pointerUp: true });
  };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);

  redraw();
  return {
    isEmpty: () => strokes.length === 0,
    imageData: () => ctx.getImageData(0, 0, SIZE, SIZE),
    clear() {
      strokes.length = 0;
      active = null;
      redraw();
      onChange({ final: true });
    },
    undo() {
      if (active) active = null;
      strokes.pop();
      redraw();
      onChange({ final: true });
    },
  };
}
