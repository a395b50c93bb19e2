// What the container page hands the dialogs it opens: the container they act on, and how to close.

export interface ContainerDialogProps {
  engineId: string;
  containerId: string;
  containerName: string;
  onClose: () => void;
}

/** A dialog on one checkpoint of the container (clone, export, save as image). */
export interface CheckpointDialogProps extends ContainerDialogProps {
  checkpoint: string;
}
