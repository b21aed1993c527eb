import { loadCapture, loadStream, type Capture, type LoadOptions } from '../../capture/capture.js';
import { startLiveCapture } from '../../capture/live.js';
import { resolutionDigits } from '../../capture/types.js';
import { CaptureWriter, type WrittenFrame } from '../../capture/writer.js';
import { createRegistry } from '../../dissect/default-registry.js';
import { undecodedLinkTypeWarnings } from '../link-types.js';
import { ConversationTracker, namesStreamField } from '../../dissect/conversations.js';
import { dissect } from '../../dissect/dissect.js';
import { frameMetaInto } from '../../dissect/frame-meta.js';
import type { FrameMeta } from '../../dissect/types.js';
import { IpReassembler } from '../../dissect/reassembly/ipfrag.js';
import type { DecodeAsRule } from '../../dissect/registry.js';
import { EXIT_INPUT, EXIT_OK, VxError, msg } from '../../errors.js';
import { compileFilter } from '../../filter/index.js';
import { warn, type Output } from '../io.js';
import { colorEnabled, painter, type ColorMode } from '../print/color.js';
import { PacketPrinter, type PrintOptions } from '../print/packet-printer.js';
import { MainShare, wantsSharedPrinting, type PrintShare, type ShareTuning } from '../print/print-share.js';
import { TimeColumn, type TimeFormat } from '../print/time-format.js';
import type { LoadedContext } from '../context-options.js';
import { ProgressBar } from '../progress.js';
import { maxOf } from '../../util/max.js';
import { createStatistic, statisticLines } from '../stats/index.js';
import type { Statistic } from '../stats/parse.js';

export interface ReadOptions extends PrintOptions {
  /** A capture file or "-"; undefined with `live`. */
  file?: string;
  live?: { interfaces: string[]; captureFilter?: string };
  displayFilter?: string;
  count?: number;
  decodeAs: DecodeAsRule[];
  heuristics: boolean;
  /** --k8s/--cilium/--context and --names. */
  context?: LoadedContext;
  ifnames: Map<number, string>;
  timeFormat: TimeFormat;
  color: ColorMode;
  /** Write the packets that pass to this new capture file instead of printing them. */
  writeTo?: string;
  /** -q: no packet lines. */
  quiet?: boolean;
  /** -l: flush after each packet. */
  lineBuffered?: boolean;
  /** -z tables, printed after the packets. */
  statistics?: Statistic[];
  /** How -V and -T json share their writing with a worker (tests make the batches tiny). */
  shareTuning?: ShareTuning;
}

/** `vxshark -r FILE` (or `-i IFACE`): prints packets while the input streams in, like tshark. */
export async function read(opts: ReadOptions, out: Output, worker?: { share: PrintShare; upTo: number }): Promise<number> {
  const registry = createRegistry({ decodeAs: opts.decodeAs, heuristics: opts.heuristics, context: opts.context?.context, names: opts.context?.names ?? true });
  const filter = opts.displayFilter ? compileFilter(opts.displayFilter, registry) : undefined;
  const printer = new PacketPrinter(opts, registry, out, painter(colorEnabled(opts.color, process.stdout)));
  if (opts.output === 'fields' && printer.fieldCount === 0) throw new VxError('usage', msg.fieldsNeedE());
  const limit = opts.count ?? Infinity;
  const tables = (opts.statistics ?? []).map((s) => createStatistic(s, registry, process.stdout.isTTY === true));
  const name = opts.file ?? (opts.live ? opts.live.interfaces.join(',') : '-');
  let time: TimeColumn | undefined;
  let seen = 0;
  let writer: CaptureWriter | undefined;
  // One pass in capture order: fragments are collected and the datagram shown on the last one, as tshark does.
  const reassembler = new IpReassembler();
  // Stream numbers, relative sequence numbers and TCP analysis need every earlier packet.
  const conversations = new ConversationTracker();
  // Only some fields read the stream state (tcp.stream, relative tcp.seq, tcp.analysis.*), and it
  // grows with the streams: it is kept only when a filter or -e names one, or for -T json, -V's
  // tree and the -z tables.
  const needConversations =
    opts.output === 'json' ||
    opts.verbose ||
    tables.length > 0 ||
    namesStreamField(registry, [...(opts.displayFilter !== undefined ? [opts.displayFilter] : []), ...(opts.output === 'fields' ? opts.fields : [])]);
  // Nothing keeps a packet past its callback, so one metadata object serves every frame.
  const reusedMeta: FrameMeta = { number: 0, sec: 0, nsec: 0, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0, direction: 0 };
  const printNeedsPacket = printer.needsPacket();
  const printTime = printer.needsTime();
  const progress = !worker && ProgressBar.wanted() && opts.file !== '-' && !opts.live ? new ProgressBar('reading') : undefined;
  // -T json shares its writing with a second thread when the output can take it (print-share.ts).
  let upTo = worker?.upTo;
  let mainShare: MainShare | undefined;
  const sharing = worker ? undefined : await wantsSharedPrinting(opts);
  if (sharing) {
    upTo = sharing.bytes;
    mainShare = new MainShare(opts, upTo, out, sharing.mode);
  }
  const share: PrintShare | undefined = worker?.share ?? mainShare;

  const onFrame = (i: number, data: Uint8Array, capture: Capture): void => {
    // Like tshark, -c counts the packets read, whether or not the filter shows them.
    if (seen >= limit || out.closed) return;
    seen++;
    const needPacket = filter !== undefined || (opts.writeTo === undefined && !opts.quiet && printNeedsPacket) || opts.summaryLines || tables.length > 0;
    // The frame's metadata serves dissecting, the time column, -w and -z; -x alone prints bytes.
    const meta = needPacket || printTime || opts.writeTo !== undefined ? frameMetaInto(reusedMeta, capture, i, opts.ifnames) : reusedMeta;
    for (const t of tables) t.read?.(meta);
    const pkt = needPacket ? dissect(data, meta, registry, { reassembler }) : undefined;
    if (pkt && needConversations) conversations.annotate(pkt);
    const shown = !filter || filter(pkt!);
    let timeText = '';
    if (printTime) {
      time ??= new TimeColumn(opts.timeFormat, timeDigits(capture));
      timeText = time.text(meta, shown);
    }
    if (!shown) return;
    for (const t of tables) t.add(pkt!);
    if (opts.writeTo !== undefined) {
      writer ??= new CaptureWriter(opts.writeTo, capture.info!.format, capture.interfaces, timeDigits(capture) > 6, sectionComments(capture));
      const frame: WrittenFrame = { data, origLen: meta.origLen, sec: meta.sec, nsec: meta.nsec, interfaceId: meta.interfaceId, direction: meta.direction };
      if (meta.comments) frame.comments = meta.comments;
      writer.write(frame);
      if (!opts.summaryLines) return;
    }
    if (opts.quiet) return;
    if (share && !share.claim(meta.number)) {
      printer.skip();
      return;
    }
    printer.print(pkt, data, timeText);
    if (opts.lineBuffered) out.flush();
  };

  const loadOpts: LoadOptions = {
    onFrame,
    streamOnly: true,
    shouldStop: () => out.closed || seen >= limit || (writer?.closed ?? false) || (share?.stopped ?? false),
    ...(upTo !== undefined ? { upTo } : {}),
    ...(progress ? { onProgress: (c: Capture) => progress.update(c.bytesRead, c.size, c.frameCount) } : {}),
  };
  if (!worker) printer.start();
  let loaded: Capture;
  try {
    loaded = opts.live ? await readLive(opts.live, loadOpts) : await loadCapture(opts.file ?? '-', loadOpts);
    share?.finish();
  } catch (e) {
    mainShare?.salvage();
    throw e;
  } finally {
    progress?.clear();
    writer?.close();
    mainShare?.close();
  }
  // The main thread reports what the worker saw too.
  if (worker) {
    loaded.close();
    return EXIT_OK;
  }
  if (opts.writeTo !== undefined && !writer && loaded.info) {
    new CaptureWriter(opts.writeTo, loaded.info.format, loaded.interfaces, timeDigits(loaded) > 6, sectionComments(loaded)).close();
  }
  printer.finish();
  for (const line of statisticLines(tables, opts.displayFilter)) out.line(line);
  for (const w of [...undecodedLinkTypeWarnings(loaded, registry), ...loaded.warnings]) warn(msg.inInput(name, w));
  let status = EXIT_OK;
  if (loaded.error) {
    warn(msg.inInput(name, loaded.error));
    status = EXIT_INPUT;
  }
  loaded.close();
  return status;
}

/** The input's section comments, which -w keeps (one section is written: the first's and any later ones'). */
function sectionComments(capture: Capture): string[] {
  return (capture.info?.sections ?? []).flatMap((s) => s.comments ?? []);
}

/** Live capture: tcpdump/dumpcap writes to a pipe; Ctrl-C stops the tool, which flushes. */
async function readLive(live: { interfaces: string[]; captureFilter?: string }, loadOpts: LoadOptions): Promise<Capture> {
  const cap = startLiveCapture(live.interfaces, live.captureFilter);
  const onSignal = (): void => cap.stop();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const stopAfter = loadOpts.shouldStop;
    let capture: Capture;
    try {
      capture = await loadStream(cap.stream, {
        ...loadOpts,
        shouldStop: () => {
          const stop = stopAfter?.() ?? false;
          if (stop) cap.stop();
          return stop;
        },
      });
    } catch (e) {
      // An empty stream usually means the tool failed; its reason is the one to show.
      await cap.exited;
      throw e;
    }
    await cap.exited;
    return capture;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function timeDigits(capture: Capture): number {
  return maxOf(
    capture.interfaces.map((f) => resolutionDigits(f.tsResolution)),
    0,
  );
}
