// Types for the two modules of speedline-core (1.4) that speed-index.ts uses beside its
// main function: the frame constructor and the visual-progress / Speed Index steps,
// which the main function runs after making its frames.
declare module 'speedline-core/lib/frame.js' {
  import type Speedline from 'speedline-core'

  type Frame = Speedline.Output['frames'][number]
  const frame: {
    /** A frame of a JPEG, painted at `ts` (ms); decoded only when its histogram is asked for. */
    create(image: Buffer, ts: number): Frame
  }
  export default frame
}

declare module 'speedline-core/lib/speed-index.js' {
  import type Speedline from 'speedline-core'

  type Frame = Speedline.Output['frames'][number]
  const speedIndex: {
    calculateVisualProgress(frames: Frame[], opts: { fastMode?: boolean }): Frame[]
    calculateSpeedIndexes(
      frames: Frame[],
      data: { startTs: number },
    ): { firstPaintTs: number; visuallyCompleteTs: number; speedIndex?: number }
  }
  export default speedIndex
}
