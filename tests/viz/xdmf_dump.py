"""Reads an XDMF file with one of ParaView's readers and dumps what it read.

Run by pvpython (tests/viz/test_xdmf_sidecar.cpp): the test compares the dump with
the HDF5 file it points to, read with the HDF5 C library. ParaView's VTK links its
own HDF5, so h5py (Debian's serial HDF5) is not loaded in the same process.

    pvpython xdmf_dump.py READER FILE.xdmf OUTDIR

READER: Xdmf3ReaderS or Xdmf3ReaderT. Writes OUTDIR/manifest.txt, one line per
array: "step time block kind name tuples components file", with each array in
OUTDIR/<file> as little-endian float64, row-major (tuples x components). kind is
points, cells (connectivity), celldata or pointdata; block the index of the leaf
dataset (0 for a single grid, in order for a collection).
"""
import os
import sys

import numpy as np
from paraview import servermanager
from paraview import simple
from vtkmodules.numpy_interface import dataset_adapter as dsa


def leaves(data):
    # Xdmf3ReaderS reads a Spatial collection as the pieces of one dataset,
    # Xdmf3ReaderT as blocks
    if data.IsA("vtkMultiBlockDataSet"):
        for i in range(data.GetNumberOfBlocks()):
            yield from leaves(data.GetBlock(i))
    elif data.IsA("vtkMultiPieceDataSet"):
        for i in range(data.GetNumberOfPieces()):
            yield from leaves(data.GetPiece(i))
    elif data is not None:
        yield data


def main():
    reader_name, path, out = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    reader = getattr(simple, reader_name)(FileName=[path])
    times = list(reader.TimestepValues) if reader.TimestepValues else [None]
    lines = []

    def dump(step, time, block, kind, name, values):
        values = np.asarray(values, dtype="<f8")
        if values.ndim == 1:
            values = values.reshape(-1, 1)
        file = f"{step}_{block}_{kind}_{name}.bin"
        values.tofile(os.path.join(out, file))
        lines.append(f"{step} {time if time is not None else 0.0!r} {block} {kind} {name} "
                     f"{values.shape[0]} {values.shape[1]} {file}")

    for step, time in enumerate(times):
        if time is None:
            reader.UpdatePipeline()
        else:
            reader.UpdatePipeline(time)
        for block, data in enumerate(leaves(servermanager.Fetch(reader))):
            wrapped = dsa.WrapDataObject(data)
            if step == 0:
                dump(step, time, block, "points", "points", wrapped.Points)
                cells = data.GetCells()
                offsets = [cells.GetOffsetsArray().GetValue(i) for i in range(data.GetNumberOfCells() + 1)]
                width = offsets[1] - offsets[0]
                conn = np.array([cells.GetConnectivityArray().GetValue(i) for i in range(offsets[-1])])
                dump(step, time, block, "cells", "connectivity", conn.reshape(-1, width))
            for name in wrapped.CellData.keys():
                dump(step, time, block, "celldata", name, wrapped.CellData[name])
            for name in wrapped.PointData.keys():
                dump(step, time, block, "pointdata", name, wrapped.PointData[name])
    with open(os.path.join(out, "manifest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


main()
